import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { NatsBus } from '../../adapters/bus/nats-bus.js';
import { connectNats } from '../../adapters/bus/nats-connect.js';
import { eventSubject, frameSubject, decodeToken, encodeToken } from '../../adapters/bus/nats-subjects.js';
import { busContract, event } from '../contract/bus.js';
import { startNats } from '../helpers/nats-server.js';

const nats = await startNats(t);

async function openBus(bufferSize = 1000): Promise<NatsBus> {
  const bus = new NatsBus(await connectNats(nats.url, 'test'), { bufferSize });
  await bus.ensureStreams();
  return bus;
}

busContract(t, 'NatsBus', { open: () => openBus(), ready: (bus) => (bus as NatsBus).flush() });

t.test('subjects: documented layout, unsafe station ids escaped reversibly', async (t) => {
  t.equal(eventSubject({ tenantId: 'acme', stationId: 'CP-1', type: 'station.booted' }), 'csms.acme.station.CP-1.booted');
  t.equal(eventSubject({ tenantId: 'acme', stationId: 'CP-1', type: 'connector.status' }), 'csms.acme.station.CP-1.status');
  t.equal(eventSubject({ tenantId: 'acme', stationId: 'CP-1', type: 'transaction.started' }), 'csms.acme.station.CP-1.transaction.started');
  t.equal(eventSubject({ tenantId: 'acme', stationId: 'CP-1', type: 'meter.values' }), 'csms.acme.station.CP-1.meter.values');
  t.equal(frameSubject({ tenantId: 'acme', stationId: 'CP.1', direction: 'in', action: 'Heartbeat' }), 'csms.acme.ocpp.CP=2E1.in.Heartbeat');
  for (const id of ['CP.1', 'a*b>c', 'x=y', 'plain_id-1', 'ü~|@+']) {
    t.match(encodeToken(id), /^[A-Za-z0-9_=-]+$/);
    t.equal(decodeToken(encodeToken(id)), id);
  }
});

t.test('events are published on their documented subjects; tenants are separate subject trees', async (t) => {
  const bus = await openBus();
  t.teardown(() => bus.close());
  const watcher = await connect({ servers: nats.url });
  t.teardown(() => watcher.close());
  const acme: string[] = [];
  const globex: string[] = [];
  watcher.subscribe('csms.acme.>', { callback: (_e, m) => acme.push(m.subject) });
  watcher.subscribe('csms.globex.>', { callback: (_e, m) => globex.push(m.subject) });
  await watcher.flush();
  bus.publish(event('station.booted', { tenantId: 'acme', stationId: 'CP-1' }));
  bus.publish(event('transaction.started', { tenantId: 'globex', stationId: 'CP-2', payload: { transactionId: 't1' } }));
  bus.mirrorFrames([{ tenantId: 'acme', stationId: 'CP-1', direction: 'in', messageType: 2, messageId: '1', action: 'Heartbeat', frame: '[2,"1","Heartbeat",{}]', at: 'x' }]);
  await bus.flush();
  for (let i = 0; i < 3000 && acme.length + globex.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(acme, ['csms.acme.station.CP-1.booted', 'csms.acme.ocpp.CP-1.in.Heartbeat']);
  t.same(globex, ['csms.globex.station.CP-2.transaction.started']);
});

t.test('a retried publish (same event id) reaches subscribers once; every subscriber gets each event once and in order', async (t) => {
  const bus = await openBus();
  t.teardown(() => bus.close());
  const seenA: string[] = [];
  const seenB: string[] = [];
  bus.subscribe('connector.*', (e) => seenA.push(`${e.id}:${(e.payload as { status: string }).status}`));
  bus.subscribe('>', (e) => seenB.push(`${e.id}:${(e.payload as { status: string }).status}`));
  await bus.flush();
  const first = event('connector.status', { id: 'evt-1', tenantId: 'acme', stationId: 'CP-1', payload: { status: 'Occupied' } });
  const second = event('connector.status', { id: 'evt-2', tenantId: 'acme', stationId: 'CP-1', payload: { status: 'Unavailable' } });
  // The outbox published both, the broker's acknowledgement of the first was late, so it went again.
  t.same(await bus.publishConfirmed([first, second]), { done: 2, dropped: 0 });
  t.same(await bus.publishConfirmed([first]), { done: 1, dropped: 0 });
  const last = event('connector.status', { id: 'evt-3', tenantId: 'acme', stationId: 'CP-1', payload: { status: 'Available' } });
  bus.publish(last);
  await bus.flush();
  for (let i = 0; i < 3000 && seenB.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  const expected = [`${first.id}:Occupied`, `${second.id}:Unavailable`, `${last.id}:Available`];
  t.same(seenA, expected, 'the second copy of the first event was not handed on');
  t.same(seenB, expected);
  t.equal(bus.duplicatesDropped, 1, 'the copy was dropped once for all subscribers');
});

t.test('NATS restarted: events published meanwhile are buffered, then delivered; transactions are in JetStream', async (t) => {
  const bus = await openBus(3);
  t.teardown(() => bus.close());
  const seen: string[] = [];
  bus.subscribe('>', (e) => seen.push(String((e.payload as { n: number }).n)));
  await bus.flush();
  await nats.stop();
  for (let i = 0; i < 3000 && bus.stats().connected; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(bus.stats().connected, false, 'bus noticed the outage');
  for (let n = 1; n <= 5; n++) bus.publish(event('transaction.updated', { payload: { n } }));
  t.same(bus.stats(), { buffered: 3, dropped: 2, connected: false }, 'bounded buffer, drops counted');
  await nats.restart();
  for (let i = 0; i < 3000 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(seen, ['3', '4', '5'], 'the newest buffered events arrive after the reconnect, in order');
  bus.publish(event('station.booted', { payload: { n: 6 } }));
  for (let i = 0; i < 3000 && seen.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(seen, ['3', '4', '5', '6'], 'live events resume');
  const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(bus.connection);
  const info = await jsm.streams.info('CSMS_TRANSACTIONS');
  t.ok(info.state.messages >= 3, 'transaction events are stored in JetStream');
});

t.test('a NATS server that lost its storage: the JetStream stream is recreated on reconnect', async (t) => {
  const bus = await openBus();
  t.teardown(() => bus.close());
  await nats.restart({ wipe: true });
  const { jetstreamManager } = await import('@nats-io/jetstream');
  let messages = 0;
  for (let i = 0; i < 600 && messages === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (!bus.stats().connected) continue;
    bus.publish(event('transaction.ended', { payload: { n: i } }));
    await bus.flush();
    const jsm = await jetstreamManager(bus.connection);
    messages = await jsm.streams.info('CSMS_TRANSACTIONS').then((info) => info.state.messages, () => 0);
  }
  t.ok(messages > 0, 'transaction events are stored again');
});
