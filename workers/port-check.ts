import { createServer } from 'node:net';

/**
 * Gateway threads listen with SO_REUSEPORT so the kernel spreads connections between them.
 * The flip side: a second process on the same port would silently share our stations.
 * An exclusive bind first makes "port in use" an error, as it is for any other server.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `OCPP port ${port} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`)),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
