import t, { type Test } from 'tap';
import { InboundDispatcher, type DispatcherOutbox } from '../../actors/inbound-dispatcher.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { BusEvent, StationMessage } from '../../core/envelope.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';
import { FakeLastSeen } from '../helpers/actor-fakes.js';

// Issue #11 (outbox): with the durable event outbox on (NATS), a transaction message's events
// commit in the SAME transaction as its data and cost, so a crash can never keep the data and
// lose the events (the station's retry would be a duplicate that emits nothing). Counted with
// the store's own onCommit hook, through the real dispatcher and handlers: one commit per
// message, and the outbox rows are there when the answer is.

const AT = '2026-03-02T10:00:00.000Z';
const OWNER = 'node-a';

async function node(t: Test, version: OcppVersion, withOutbox = true) {
  const commits: number[] = [];
  const store = new SqliteStore({ path: ':memory:', onCommit: (writes) => commits.push(writes) });
  t.teardown(() => store.close());
  await store.tokens.putIdToken({ tenantId: 'ten', idToken: 'CARD', type: 'ISO14443', status: 'Accepted', expiresAt: null, groupId: null, source: 'api' });
  const tariff: TariffRecord = { tenantId: 'ten', id: 'flat', currency: 'EUR', taxPercent: '20', sessionFee: '0.50', prices: { energy: '0.40' }, createdAt: AT, updatedAt: AT };
  await store.tariffs.putTariff(tariff);
  await store.tariffs.putAssignment({ tenantId: 'ten', target: { kind: 'default' }, tariffId: 'flat', updatedAt: AT });
  const appended: BusEvent[][] = [];
  let committedByWrites = 0;
  const outbox: DispatcherOutbox = {
    owner: OWNER,
    append: async (events) => (appended.push(events), store.outbox.appendEvents(OWNER, events)),
    committed: (n) => (committedByWrites += n),
  };
  const bus: string[] = [];
  const busEvents: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const dispatcher = new InboundDispatcher({
    store,
    events: { emit: (type, _session, payload) => (bus.push(type), busEvents.push({ type, payload })) },
    lastSeen: new FakeLastSeen(),
    clock: () => new Date(AT),
    settings: { heartbeatIntervalSec: 60 },
    ...(withOutbox ? { outbox } : {}),
    onInternalError: (error) => t.fail(String(error)),
  });
  let n = 0;
  const send = async (action: string, payload: unknown) => {
    await store.flush();
    const before = commits.length;
    const message: StationMessage = {
      v: 1, tenantId: 'ten', stationId: 'CS', protocol: version, messageId: `m${++n}`, action, messageType: 2,
      frame: JSON.stringify([2, `m${n}`, action, payload]), receivedAt: AT,
    };
    const reply = await dispatcher.handle(message);
    // What the outbox holds when the answer goes out: nothing else is committed after it.
    const rows = (await store.outbox.pendingEvents(OWNER, 1000)).map((r) => r.event);
    await store.flush();
    return { reply, commits: commits.length - before, rows };
  };
  return { store, send, appended, bus, busEvents, committed: () => committedByWrites };
}

const kwh = (at: string, value: number) => [{ timestamp: at, sampledValue: [{ value, unitOfMeasure: { unit: 'kWh' } }] }];
const types = (events: BusEvent[]) => events.map((e) => e.type);

t.test('2.x TransactionEvent with the outbox: data, cost and events in one commit', async (t) => {
  const { send, appended, bus, committed } = await node(t, 'ocpp2.0.1');
  const ev = (seqNo: number, eventType: 'Started' | 'Updated' | 'Ended', at: string, value: number) => ({
    eventType, timestamp: at, triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId: 'TX1' },
    ...(eventType === 'Started' ? { evse: { id: 1, connectorId: 1 } } : {}),
    meterValue: kwh(at, value),
  });
  const started = await send('TransactionEvent', ev(0, 'Started', '2026-03-02T10:00:00Z', 10));
  t.equal(started.reply.status, 'result');
  t.equal(started.commits, 1, 'Started: one commit');
  t.same(types(started.rows), ['cost.updated', 'transaction.started', 'meter.values'], 'its events committed with it');
  const updated = await send('TransactionEvent', ev(1, 'Updated', '2026-03-02T10:30:00Z', 15));
  t.equal(updated.commits, 1, 'Updated: one commit');
  t.match(updated.reply, { payload: { totalCost: 3 } });
  const ended = await send('TransactionEvent', ev(2, 'Ended', '2026-03-02T11:00:00Z', 20));
  t.equal(ended.commits, 1, 'Ended: one commit');
  const rows = ended.rows;
  t.same(types(rows), ['cost.updated', 'transaction.started', 'meter.values', 'cost.updated', 'transaction.updated', 'meter.values', 'transaction.ended', 'meter.values']);
  t.match(rows.find((e) => e.type === 'transaction.ended')!.payload, { transactionId: 'TX1', cost: { final: true, totalInclTax: '5.40' }, seqNo: 2, outOfOrder: false }, 'the final cost of the same write');
  t.same(appended, [], 'nothing appended after a handler: the writes kept their events');
  t.equal(committed(), rows.length, 'the drain is told of every row the writes committed');
  t.same(bus, [], 'and nothing went past the outbox');
  const again = await send('TransactionEvent', ev(1, 'Updated', '2026-03-02T10:30:00Z', 15));
  t.equal(again.rows.length, rows.length, 'a redelivered message adds no events');
});

t.test('1.6 with the outbox: Start (with the token decision), MeterValues, Stop in one commit each', async (t) => {
  const { send, appended, committed } = await node(t, 'ocpp1.6');
  const start = await send('StartTransaction', { connectorId: 1, idTag: 'CARD', meterStart: 1000, timestamp: '2026-03-02T10:00:00Z' });
  t.match(start.reply, { status: 'result', payload: { idTagInfo: { status: 'Accepted' } } });
  t.equal(start.commits, 1, 'StartTransaction: one commit');
  t.same(types(start.rows), ['authorization.requested', 'cost.updated', 'transaction.started'], 'the decision, made before the write, goes in the same commit, first');
  t.match(start.rows[2]!.payload, { authorization: 'Accepted' }, 'transaction.started carries the decision');
  if (start.reply.status !== 'result') throw new Error('StartTransaction not answered');
  const transactionId = (start.reply.payload as { transactionId: number }).transactionId;
  const meter = await send('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: '2026-03-02T10:30:00Z', sampledValue: [{ value: '3500', unit: 'Wh', measurand: 'Energy.Active.Import.Register' }] }] });
  t.equal(meter.commits, 1, 'MeterValues in a transaction: one commit');
  t.same(types(meter.rows).slice(3), ['transaction.updated', 'meter.values']);
  const stop = await send('StopTransaction', { transactionId, meterStop: 6000, timestamp: '2026-03-02T11:00:00Z' });
  t.equal(stop.commits, 1, 'StopTransaction: one commit');
  t.match(stop.rows.at(-1)!, { type: 'transaction.ended', payload: { cost: { final: true, totalInclTax: '3.00' } } });
  t.same(appended, []);
  t.equal(committed(), stop.rows.length);
  const resent = await send('StartTransaction', { connectorId: 1, idTag: 'CARD', meterStart: 1000, timestamp: '2026-03-02T10:00:00Z' });
  t.match(resent.reply, { payload: { transactionId, idTagInfo: { status: 'Accepted' } } }, 'a resent start keeps its id and decision');
  t.same(types(resent.rows).slice(stop.rows.length), ['authorization.requested'], 'and adds no transaction event');
});

t.test('BootNotification with the outbox: the boot and station.booted in one commit', async (t) => {
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const { send, appended, committed } = await node(t, version);
    const payload = version === 'ocpp1.6' ? { chargePointVendor: 'V', chargePointModel: 'M' } : { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } };
    const boot = await send('BootNotification', payload);
    t.equal(boot.reply.status, 'result');
    t.equal(boot.commits, 1, `${version}: one commit`);
    t.match(boot.rows, [{ type: 'station.booted', payload: { vendor: 'V', model: 'M' } }], `${version}: its event committed with it`);
    t.same(appended, []);
    t.equal(committed(), 1);
  }
});

t.test('a blocked token: transaction.started says so, and the answer agrees', async (t) => {
  const { store, send } = await node(t, 'ocpp1.6');
  await store.tokens.putIdToken({ tenantId: 'ten', idToken: 'BLOCKED', type: 'ISO14443', status: 'Blocked', expiresAt: null, groupId: null, source: 'api' });
  const start = await send('StartTransaction', { connectorId: 1, idTag: 'BLOCKED', meterStart: 0, timestamp: '2026-03-02T10:00:00Z' });
  t.match(start.reply, { payload: { idTagInfo: { status: 'Blocked' } } });
  t.match(start.rows.find((e) => e.type === 'transaction.started')!.payload, { authorization: 'Blocked' });
});

t.test('a remote start of an unknown token: judged before the write as the write finds it', async (t) => {
  const { store, send } = await node(t, 'ocpp1.6');
  const remoteStartId = await store.transactions.recordRemoteStart({ tenantId: 'ten', stationId: 'CS', idToken: 'STRANGER', evseId: 1, at: new Date().toISOString() });
  const start = await send('StartTransaction', { connectorId: 1, idTag: 'STRANGER', meterStart: 0, timestamp: '2026-03-02T10:00:00Z' });
  t.match(start.reply, { payload: { idTagInfo: { status: 'Accepted' } } }, 'the operator vouched for it');
  t.match(start.rows.find((e) => e.type === 'authorization.requested')!.payload, { remoteStart: true, status: 'Accepted' });
  t.match(start.rows.find((e) => e.type === 'transaction.started')!.payload, { authorization: 'Accepted', remoteStartId });
  const other = await send('StartTransaction', { connectorId: 2, idTag: 'STRANGER', meterStart: 0, timestamp: '2026-03-02T10:05:00Z' });
  t.match(other.reply, { payload: { idTagInfo: { status: 'Invalid' } } }, 'the remote start was used once: a second start is judged on its own');
});

t.test('the same events, payloads included, with the outbox (built in the write) and without it (emitted after)', async (t) => {
  for (const version of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const on = await node(t, version, true);
    const off = await node(t, version, false);
    const flow = async (n: Awaited<ReturnType<typeof node>>) => {
      if (version === 'ocpp1.6') {
        const start = await n.send('StartTransaction', { connectorId: 1, idTag: 'CARD', meterStart: 1000, timestamp: '2026-03-02T10:00:00Z' });
        const transactionId = start.reply.status === 'result' ? (start.reply.payload as { transactionId: number }).transactionId : -1;
        await n.send('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: '2026-03-02T10:30:00Z', sampledValue: [{ value: '3500' }] }] });
        await n.send('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'SuspendedEV', timestamp: '2026-03-02T10:40:00Z' });
        await n.send('StopTransaction', { transactionId, idTag: 'CARD', meterStop: 6000, timestamp: '2026-03-02T11:00:00Z' });
      } else {
        const base = { triggerReason: 'Authorized', evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'CARD', type: 'ISO14443' } };
        await n.send('TransactionEvent', { ...base, eventType: 'Started', timestamp: '2026-03-02T10:00:00Z', seqNo: 0, transactionInfo: { transactionId: 'GHOST' }, meterValue: kwh('2026-03-02T10:00:00Z', 1) });
        // A new transaction on the same EVSE: GHOST is ended, flagged, in the same write.
        await n.send('TransactionEvent', { ...base, eventType: 'Started', timestamp: '2026-03-02T10:10:00Z', seqNo: 0, transactionInfo: { transactionId: 'TX2' }, meterValue: kwh('2026-03-02T10:10:00Z', 10) });
        await n.send('TransactionEvent', { eventType: 'Updated', triggerReason: 'MeterValuePeriodic', timestamp: '2026-03-02T10:30:00Z', seqNo: 1, transactionInfo: { transactionId: 'TX2' }, meterValue: kwh('2026-03-02T10:30:00Z', 15) });
        await n.send('TransactionEvent', { eventType: 'Ended', triggerReason: 'EVDeparted', timestamp: '2026-03-02T11:00:00Z', seqNo: 2, transactionInfo: { transactionId: 'TX2', stoppedReason: 'EVDisconnected' }, meterValue: kwh('2026-03-02T11:00:00Z', 20) });
      }
    };
    await flow(on);
    await flow(off);
    const kept = (await on.store.outbox.pendingEvents(OWNER, 1000)).map((r) => ({ type: r.event.type, payload: r.event.payload }));
    const emitted = off.busEvents;
    t.same(kept, emitted, `${version}: the outbox holds what the bus got without it, in the same order`);
    t.ok(emitted.some((e) => e.type === 'transaction.ended' && (e.payload.cost as { final?: boolean } | undefined)?.final), `${version}: a final cost in transaction.ended`);
    if (version === 'ocpp2.0.1') t.ok(emitted.some((e) => e.payload.closedBy === 'superseded-by-new-transaction'), 'the ghost end too');
  }
});
