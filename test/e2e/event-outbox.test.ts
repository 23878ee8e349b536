import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNats } from '../helpers/nats-server.js';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient } from '../helpers/ocpp-clients.js';

// NATS hangs (SIGSTOP: the socket stays open, nothing answers), is killed (SIGKILL) and comes back
// while stations keep sending transaction messages. Every transaction event of a message that got
// a CALLRESULT must be in the JetStream stream exactly once: written to the outbox before the
// answer, retried until acknowledged, de-duplicated by its event id (Nats-Msg-Id).
// And the CSMS itself is killed (SIGKILL) mid-traffic while NATS hangs: every transaction message
// the store kept has its events in the stream after a restart, because they commit in the same
// transaction, and the restarted node drains what the killed one left.

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

t.test('kill -9 of the CSMS under load: every stored transaction message has its event in JetStream, exactly once', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-outbox-crash-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  // No CSMS_NODE_ID: the restarted node must still drain what its predecessor left (owner `node` on SQLite).
  // Commits 20 ms apart: a message's data and a later commit of its events (the old path) would
  // leave each station a wide window between the two, so the kill lands in some station's.
  const env = { CSMS_WORKERS: '1', NATS_URL: nats.url, CSMS_INDEPENDENT_NODES: 'true', CSMS_COMMIT_INTERVAL_MS: '20' };
  const first = await startServer(t, { dataDir, env });
  const ids = Array.from({ length: 8 }, (_, n) => `CRASH-${n}`);
  const clients: StrictClient[] = [];
  for (const id of ids) {
    await first.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: first.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1', callTimeoutMs: 5000 });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    clients.push(client);
  }
  let acked = 0;
  let killed = false;
  const traffic = ids.map(async (id, n) => {
    const base = { triggerReason: 'MeterValuePeriodic', transactionInfo: { transactionId: `tx-${id}` } };
    try {
      await clients[n]!.call('TransactionEvent', { ...base, eventType: 'Started', timestamp: at(0), seqNo: 0, evse: { id: 1, connectorId: 1 } });
      for (let i = 1; !killed; i++) {
        await clients[n]!.call('TransactionEvent', { ...base, eventType: 'Updated', timestamp: at(i), seqNo: i, meterValue: [{ timestamp: at(i), sampledValue: [{ value: i }] }] });
        // NATS hangs first, so events committed from then on wait in the outbox: the restarted
        // node has to publish them. Then the kill, not awaited: it lands while the other stations'
        // messages are being written, half a commit interval after the next batch of their data
        // would commit (the stations tend to move in step: on the old path, data in one commit,
        // their events in the next).
        if (++acked === 200) process.kill(nats.pid!, 'SIGSTOP');
        if (acked === 300) setTimeout(() => void first.stop('SIGKILL'), 30);
      }
    } catch {
      // the call in flight when the CSMS died
    }
  });
  const exit = await first.exited;
  killed = true;
  await Promise.all(traffic);
  t.equal(exit.signal, 'SIGKILL');
  process.kill(nats.pid!, 'SIGCONT');

  const second = await startServer(t, { dataDir, env, ports: { ocpp: first.ocppPort, api: first.apiPort } });
  /** The seqNos the store kept per station: 0..lastSeqNo (one station's messages are handled in order). */
  const kept = new Map<string, number>();
  for (const id of ids) {
    const { status, body } = await second.apiJson('GET', `/transactions/tx-${id}?stationId=${id}`);
    t.equal(status, 200);
    kept.set(id, body.lastSeqNo as number);
  }
  const watcher = await connect({ servers: nats.url });
  t.teardown(() => watcher.close());
  const jsm = await jetstreamManager(watcher);
  const streamed = async () => {
    const seen = new Map<string, number>();
    const state = (await jsm.streams.info('CSMS_TRANSACTIONS')).state;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage('CSMS_TRANSACTIONS', { seq }).catch(() => undefined);
      const event = message?.json<{ stationId: string; type: string; payload: { seqNo?: number } }>();
      if (!event || !kept.has(event.stationId) || !event.type.startsWith('transaction.')) continue;
      const key = `${event.stationId}|${event.payload.seqNo}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return seen;
  };
  const expected = [...kept].flatMap(([id, last]) => Array.from({ length: last + 1 }, (_, i) => `${id}|${i}`));
  await eventually(async () => metricValue(await second.metrics(), 'csms_event_outbox_pending') === 0, 60_000, 'the restarted node to drain its outbox');
  const seen = await streamed();
  t.same(expected.filter((k) => !seen.has(k)), [], `each of the ${expected.length} stored transaction messages has its event in the stream`);
  t.same([...seen].filter(([, n]) => n > 1).map(([k]) => k), [], 'none twice');
  t.same([...seen.keys()].filter((k) => !expected.includes(k)), [], 'and none of a message the store did not keep');
});
