import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNats } from '../helpers/nats-server.js';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient } from '../helpers/ocpp-clients.js';

// NATS hangs (SIGSTOP: the socket stays open, nothing answers), is killed (SIGKILL) and comes back
// while stations keep sending transaction messages. Every transaction event of a message that got
// a CALLRESULT must be in the JetStream stream exactly once: written to the outbox before the
// answer, retried until acknowledged, de-duplicated by its event id (Nats-Msg-Id).

const nats = await startNats(t);
const PASSWORD = 'outbox-pw-00001-x';
const T0 = Date.parse('2026-03-03T00:00:00.000Z');
const at = (i: number) => new Date(T0 + i * 1000).toISOString();

t.test('every acknowledged transaction event reaches JetStream exactly once across a hang, a kill and a restart', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '1', NATS_URL: nats.url, CSMS_INDEPENDENT_NODES: 'true' } });
  const stations: Array<{ id: string; client: StrictClient }> = [];
  for (let n = 0; n < 4; n++) {
    const id = `OUTBOX-${n}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1', callTimeoutMs: 30_000 });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    stations.push({ id, client });
  }

  /** `${stationId}|${seqNo}` of every TransactionEvent that got a CALLRESULT. */
  const acked = new Set<string>();
  let stop = false;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const ack = (key: string) => {
    acked.add(key);
    for (const w of waiters.splice(0)) (acked.size >= w.count ? w.resolve() : waiters.push(w));
  };
  const ackedAtLeast = (count: number) => new Promise<void>((resolve) => (acked.size >= count ? resolve() : waiters.push({ count, resolve })));

  const traffic = stations.map(async ({ id, client }) => {
    const base = { triggerReason: 'MeterValuePeriodic', transactionInfo: { transactionId: `tx-${id}` } };
    await client.call('TransactionEvent', { ...base, eventType: 'Started', timestamp: at(0), seqNo: 0, evse: { id: 1, connectorId: 1 } });
    ack(`${id}|0`);
    for (let i = 1; !stop; i++) {
      await client.call('TransactionEvent', { ...base, eventType: 'Updated', timestamp: at(i), seqNo: i, meterValue: [{ timestamp: at(i), sampledValue: [{ value: i }] }] });
      ack(`${id}|${i}`);
    }
  });

  await ackedAtLeast(200);
  process.kill(nats.pid!, 'SIGSTOP');
  t.comment(`nats-server frozen after ${acked.size} acknowledged messages`);
  await ackedAtLeast(acked.size + 300);
  await nats.stop('SIGKILL');
  t.comment(`nats-server killed after ${acked.size}`);
  await ackedAtLeast(acked.size + 200);
  await nats.restart();
  t.comment(`nats-server restarted after ${acked.size}`);
  await ackedAtLeast(acked.size + 200);
  stop = true;
  await Promise.all(traffic);
  t.comment(`${acked.size} transaction messages acknowledged`);

  const watcher = await connect({ servers: nats.url });
  t.teardown(() => watcher.close());
  const jsm = await jetstreamManager(watcher);
  const stored = async () => {
    const info = await jsm.streams.info('CSMS_TRANSACTIONS').catch(() => undefined);
    return info ? info.state : undefined;
  };
  await eventually(async () => ((await stored())?.messages ?? 0) >= acked.size, 120_000, 'the outbox to drain into JetStream');
  await eventually(async () => metricValue(await server.metrics(), 'csms_event_outbox_pending') === 0, 60_000, 'an empty outbox');

  const state = (await stored())!;
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  let idHeaderMismatches = 0;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage('CSMS_TRANSACTIONS', { seq });
    if (!message) continue;
    const event = message.json<{ id: string; specversion: string; stationId: string; type: string; payload: { seqNo?: number } }>();
    if (message.header?.get('Nats-Msg-Id') !== event.id || event.specversion !== '1.0') idHeaderMismatches++;
    ids.add(event.id);
    const key = `${event.stationId}|${event.payload.seqNo ?? 0}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const missing = [...acked].filter((k) => !seen.has(k));
  const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  t.same(missing, [], 'every acknowledged transaction event is in the stream');
  t.same(twice, [], 'none of them twice');
  t.equal(ids.size, state.messages, 'every stored event has its own id');
  t.equal(idHeaderMismatches, 0, 'each carries its CloudEvents id as Nats-Msg-Id');
  const metrics = await server.metrics();
  t.ok(metricValue(metrics, 'csms_event_outbox_retried_total') > 0, 'publishes NATS did not acknowledge were retried (the hang was felt)');
  t.equal(metricValue(metrics, 'csms_event_outbox_dropped_total'), 0, 'retried-then-delivered events are not counted as lost');
  for (const { client } of stations) await client.close();
});
