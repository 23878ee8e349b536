import t from 'tap';
import { startServer } from '../helpers/server.js';
import { RawStation } from '../helpers/ocpp-clients.js';
t.test('dbg', async (t) => {
  const server = await startServer(t, { env: { CSMS_CALL_TIMEOUT: '30', CSMS_LOG_LEVEL: 'debug' } });
  await server.registerStation('LC-silent', 'lifecycle-pw-001');
  const raw = await RawStation.open(t, server.ocppUrl, 'LC-silent', { protocols: ['ocpp2.0.1'], password: 'lifecycle-pw-001' });
  await raw.settle();
  const pending = server.apiJson('POST', '/stations/LC-silent/ocpp/Reset', { type: 'Immediate' }).then((r) => { t.comment(`api answered ${r.status} at ${Date.now()}`); return r; });
  await raw.nextFrame();
  t.comment(`SIGTERM at ${Date.now()}`);
  raw.closed.then((c) => t.comment(`raw closed ${c.code} at ${Date.now()}`));
  const exit = await server.stop('SIGTERM');
  t.comment(JSON.stringify(exit));
  await pending;
  t.comment(server.output().stdout.split('\n').filter((l) => !l.includes('"level":20')).join('\n').slice(-3000));
  t.comment(server.output().stderr);
});
