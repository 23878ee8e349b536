import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { RawStation } from '../helpers/ocpp-clients.js';

// A station must not be able to break its own message log: a frame nested 10,000 levels deep
// (well under the frame limit) is answered as usual, logged, and the log and events routes still answer 200.
t.test('a 10,000-level frame is logged as text and the message log stays readable', async (t) => {
  const server = await startServer(t);
  await server.registerStation('DEEP-1', 'deep-station-password-1');
  const station = await RawStation.open(t, server.ocppUrl, 'DEEP-1', { protocols: ['ocpp2.0.1'], password: 'deep-station-password-1' });
  const deep = `[2,"deep-1","DataTransfer",{"vendorId":"x","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`;
  station.send(deep);
  const answer = await station.nextFrame();
  t.same(answer, [3, 'deep-1', { status: 'UnknownVendorId' }], 'answered (no vendor handler), not a crash');
  const page = await eventually(async () => {
    const r = await server.apiJson('GET', '/stations/DEEP-1/messages?limit=10');
    return r.status === 200 && (r.body.items as Array<{ messageId: string }>).some((m) => m.messageId === 'deep-1') && r;
  }, 10_000, 'deep frame in the log');
  t.equal(page.status, 200);
  const logged = (page.body.items as Array<{ messageId: string; direction: string; payload: { unparsable?: string; reason?: string } }>).find(
    (m) => m.messageId === 'deep-1' && m.direction === 'in',
  );
  t.equal(logged?.payload.unparsable, deep, 'the raw frame is returned as text');
  t.match(logged?.payload.reason, /deeper than 64/);
  const kept = await server.apiJson('GET', '/stations/DEEP-1/events?kind=data-transfer');
  t.equal(kept.status, 200, 'the station events route stays readable too');
  t.match(kept.body.items, [{ type: 'UnknownVendorId', payload: { truncated: true, reason: /deeper than 64/ } }], 'kept as text');
  const health = await server.apiJson('GET', '/health');
  t.equal(health.status, 200, 'the node keeps serving');
});
