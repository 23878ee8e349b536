import t from 'tap';
import { freePort } from './server.js';

// A server's OCPP and API ports come from two freePort calls; once they were the same port and the
// server refused to start (CI). 500 draws from 12,000 ports would repeat one almost surely (p ≈ 0.99997).
t.test('freePort never hands this process the same port twice', async (t) => {
  const ports: number[] = [];
  for (let i = 0; i < 500; i++) ports.push(await freePort());
  t.equal(new Set(ports).size, ports.length);
  t.ok(ports.every((p) => p >= 20000 && p < 32000), 'below the ephemeral range');
});
