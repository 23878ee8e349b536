import t, { type Test } from 'tap';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNats } from '../helpers/nats-server.js';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { VERSIONS, type StrictClient, type Version, bootedStation } from '../helpers/ocpp-clients.js';

// Transactions the CSMS closes itself (issue #12): a ghost superseded by a new Started on its EVSE
// and one swept after CSMS_STALE_TRANSACTION_HOURS publish transaction.ended like any other end,
// through the durable outbox (NATS), with `closedBy` saying why. Strict ocpp-rpc stations.

const nats = await startNats(t);
const PASSWORD = 'closed-events-pw-01';
const now = () => new Date().toISOString();

interface Seen {
  type: string;
  stationId: string;
  payload: Record<string, any>;
}

async function watch(t: Test): Promise<Seen[]> {
  const nc: NatsConnection = await connect({ servers: nats.url });
  t.teardown(() => nc.close());
  const seen: Seen[] = [];
  const sub = nc.subscribe('csms.*.station.*.transaction.>');
  void (async () => {
    for await (const m of sub) {
      const e = m.json<{ type: string; stationId: string; payload: Record<string, any> }>();
      seen.push({ type: e.type, stationId: e.stationId, payload: e.payload });
    }
  })();
  await nc.flush();
  return seen;
}

function station(t: Test, server: TestServer, id: string, version: Version): Promise<StrictClient> {
  return bootedStation(t, server, id, PASSWORD, version);
}

/** Starts a transaction on EVSE 1 connector 1 and returns its id as the API names it. */
async function start(c: StrictClient, version: Version, txId: string, idTag: string): Promise<string> {
  if (version === 'ocpp1.6') {
    const r = (await c.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: now() })) as { transactionId: number };
    return String(r.transactionId);
  }
  await c.call('TransactionEvent', {
    eventType: 'Started', timestamp: now(), triggerReason: 'CablePluggedIn', seqNo: 0,
    transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 },
  });
  return txId;
}

const natsEnv = { CSMS_WORKERS: '1', NATS_URL: nats.url, CSMS_INDEPENDENT_NODES: 'true', CSMS_UNKNOWN_TOKENS: 'accept-all' };

t.test('a ghost closed by a new transaction on its EVSE publishes transaction.ended (superseded)', async (t) => {
  const seen = await watch(t);
  const server = await startServer(t, { env: natsEnv });
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `GHOSTEV-${v}`;
      const c = await station(t, server, id, version);
      const first = await start(c, version, `ghost-a-${v}`, 'GA');
      const second = await start(c, version, `ghost-b-${v}`, 'GB');
      const mine = () => seen.filter((e) => e.stationId === id);
      await eventually(async () => mine().length >= 3, 30_000, 'three transaction events');
      t.same(
        mine().map((e) => [e.type, e.payload.transactionId]),
        [['transaction.started', first], ['transaction.ended', first], ['transaction.started', second]],
        'the ghost ends before the new one starts, once each',
      );
      const ended = mine()[1]!.payload;
      t.match(ended, { closedBy: 'superseded-by-new-transaction', supersededBy: second, isActive: false, stoppedReason: 'Other', flags: ['superseded-by-new-transaction'] });
      t.notOk(mine()[0]!.payload.closedBy, 'a station-made event has no closedBy');
      await c.close();
    });
  }
});

t.test('a transaction swept after CSMS_STALE_TRANSACTION_HOURS publishes transaction.ended (timeout)', async (t) => {
  const seen = await watch(t);
  // 0.001 h = 3.6 s, swept every second.
  const server = await startServer(t, { env: { ...natsEnv, CSMS_STALE_TRANSACTION_HOURS: '0.001' } });
  for (const version of VERSIONS) {
    t.test(version, async (t) => {
      const v = version.replace(/\W/g, '');
      const id = `STALEEV-${v}`;
      const c = await station(t, server, id, version);
      const txId = await start(c, version, `stale-ev-${v}`, 'SE');
      const ended = await eventually(async () => seen.find((e) => e.stationId === id && e.type === 'transaction.ended'), 30_000, 'transaction.ended on the bus');
      t.match(ended.payload, { transactionId: txId, closedBy: 'closed-after-timeout', staleTransactionHours: 0.001, isActive: false, flags: ['closed-after-timeout'] });
      const record = (await server.apiJson('GET', `/transactions/${txId}?stationId=${id}`)).body;
      t.equal(record.isActive, false, 'and the record is closed');
      t.equal(seen.filter((e) => e.stationId === id && e.type === 'transaction.ended').length, 1, 'published once');
      await c.close();
    });
  }
});
