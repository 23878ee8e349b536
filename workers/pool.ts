import { Piscina } from 'piscina';

/**
 * CPU-heavy work (password hashing now; big reports, certificate signing and exports later)
 * runs on a piscina pool so it never stalls the API's event loop or a gateway thread.
 */
export function createCpuPool(maxThreads = 2): Piscina {
  return new Piscina({
    filename: new URL('./cpu-tasks.js', import.meta.url).href,
    maxThreads,
    idleTimeout: 30_000,
  });
}
