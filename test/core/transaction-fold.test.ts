import t from 'tap';
import { applyEvent, csmsCloseEvent, foldEvents, mergeEvent, type TransactionState } from '../../core/transaction-fold.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../core/transaction-mapping-2.js';
import { meterEvent16, startEvent16, statusEvent16, stopEvent16 } from '../../core/transaction-mapping-16.js';
import type { TxEvent } from '../../core/transaction-types.js';

const ctx = { tenantId: 't1', stationId: 'CS1', now: '2026-01-01T12:00:00.000Z' };
const energy = (kwh: number, context?: string) => [
  { timestamp: '', sampledValue: [{ value: kwh, context, unitOfMeasure: { unit: 'kWh' } }] },
];

function te(seqNo: number, eventType: TransactionEventRequest['eventType'], at: string, extra: Partial<TransactionEventRequest> = {}): TxEvent {
  const req: TransactionEventRequest = {
    eventType,
    timestamp: at,
    triggerReason: 'Updated',
    seqNo,
    transactionInfo: { transactionId: 'tx-1', ...(extra.transactionInfo ?? {}) },
    ...extra,
  } as TransactionEventRequest;
  req.transactionInfo = { transactionId: 'tx-1', ...(extra.transactionInfo ?? {}) };
  for (const mv of req.meterValue ?? []) if (!mv.timestamp) mv.timestamp = at;
  return transactionEventFrom2('ocpp2.0.1', req);
}

// A session hand-computed: starts 10:00 at 12.000 kWh, charges 10:01–10:31 (1800 s), suspended
// 10:31–10:41, charges again 10:41–10:51 (600 s), ends 10:52 at 19.5 kWh → 7.5 kWh, 2400 s.
const session: TxEvent[] = [
  te(0, 'Started', '2026-01-01T10:00:00Z', {
    idToken: { idToken: 'TOKEN1', type: 'ISO14443' },
    evse: { id: 1, connectorId: 1 },
    transactionInfo: { transactionId: 'tx-1', chargingState: 'EVConnected', remoteStartId: 7 },
    meterValue: energy(12, 'Transaction.Begin'),
  }),
  te(1, 'Updated', '2026-01-01T10:01:00Z', { transactionInfo: { transactionId: 'tx-1', chargingState: 'Charging' } }),
  te(2, 'Updated', '2026-01-01T10:31:00Z', {
    transactionInfo: { transactionId: 'tx-1', chargingState: 'SuspendedEV' },
    meterValue: energy(17.25),
  }),
  te(3, 'Updated', '2026-01-01T10:41:00Z', { transactionInfo: { transactionId: 'tx-1', chargingState: 'Charging' } }),
  te(4, 'Updated', '2026-01-01T10:51:00Z', { transactionInfo: { transactionId: 'tx-1', chargingState: 'EVConnected' } }),
  te(5, 'Ended', '2026-01-01T10:52:00Z', {
    transactionInfo: { transactionId: 'tx-1', stoppedReason: 'EVDisconnected' },
    meterValue: energy(19.5, 'Transaction.End'),
  }),
];

t.test('a 2.x session folds to the hand-computed totals', async (t) => {
  const s = foldEvents(session, ctx)!;
  const r = s.record;
  t.equal(r.totalKwh, 7.5);
  t.equal(r.timeSpentChargingSec, 2400);
  t.equal(r.meterStartWh, 12000);
  t.equal(r.meterStopWh, 19500);
  t.equal(r.stoppedReason, 'EVDisconnected');
  t.equal(r.isActive, false);
  t.equal(r.startedAt, '2026-01-01T10:00:00.000Z');
  t.equal(r.endedAt, '2026-01-01T10:52:00.000Z');
  t.equal(r.remoteStartId, 7);
  t.same(r.idToken, { idToken: 'TOKEN1', type: 'ISO14443' });
  t.equal(r.evseId, 1);
  t.equal(r.lastSeqNo, 5);
  t.same(r.flags, []);
});

t.test('any arrival order through mergeEvent ends in the same record', async (t) => {
  const orders = [
    [5, 4, 3, 2, 1, 0],
    [0, 2, 1, 5, 3, 4],
    [3, 0, 5, 1, 4, 2],
  ];
  const expected = foldEvents(session, ctx)!.record;
  for (const order of orders) {
    let state: TransactionState | undefined;
    const stored: TxEvent[] = [];
    let sawOutOfOrder = false;
    for (const i of order) {
      stored.push(session[i]!);
      const merged = mergeEvent(state, session[i]!, () => stored, ctx);
      state = merged.state;
      sawOutOfOrder ||= merged.outOfOrder;
    }
    t.same(state!.record, expected, `order ${order.join(',')}`);
    t.ok(sawOutOfOrder);
  }
});

t.test('Ended without Started is flagged until the Started arrives', async (t) => {
  const ended = applyEvent(undefined, session[5]!, ctx);
  t.same(ended.record.flags, ['ended-without-start']);
  t.equal(ended.record.isActive, false);
  t.equal(ended.record.stoppedReason, 'EVDisconnected');
  const all = foldEvents([session[5]!, session[0]!], ctx)!;
  t.same(all.record.flags, ['missing-events'], 'started and ended, but seqNo 1–4 never arrived (E14)');
  t.same(foldEvents(session, ctx)!.record.flags, [], 'all of them: nothing missing');
  t.equal(all.record.totalKwh, 7.5);
  const updatedOnly = applyEvent(undefined, session[2]!, ctx);
  t.same(updatedOnly.record.flags, ['missing-start']);
  t.equal(updatedOnly.record.isActive, true);
});

t.test('1.6: start/meter/stop, reason defaults to Local, unknown ids flagged', async (t) => {
  const start = startEvent16({ connectorId: 2, idTag: 'TAG', meterStart: 1000, timestamp: '2026-01-01T08:00:00Z' }, 41);
  const mv = meterEvent16({
    connectorId: 2,
    transactionId: 41,
    meterValue: [{ timestamp: '2026-01-01T08:30:00Z', sampledValue: [{ value: '2.5', unit: 'kWh' }, { value: '7200', measurand: 'Power.Active.Import', unit: 'W' }] }],
  });
  const stop = stopEvent16({ transactionId: 41, meterStop: 4150, timestamp: '2026-01-01T09:00:00Z' });
  const s = foldEvents([stop, mv, start], ctx)!.record;
  t.equal(s.id, '41');
  t.equal(s.ocppTransactionId, 41);
  t.equal(s.evseId, 2);
  t.equal(s.connectorId, 1);
  t.equal(s.totalKwh, 3.15, '4150 − 1000 Wh');
  t.equal(s.stoppedReason, 'Local');
  t.same(s.flags, []);
  t.same(s.idToken, { idToken: 'TAG', type: 'ISO14443' });
  const orphan = applyEvent(undefined, stop, ctx).record;
  t.same(orphan.flags, ['ended-without-start', 'unknown-transaction']);
  t.equal(orphan.totalKwh, 0, 'no start reading, nothing to bill');
  const backwards = foldEvents([start, stopEvent16({ transactionId: 41, meterStop: 900, timestamp: '2026-01-01T09:00:00Z', reason: 'Remote' })], ctx)!.record;
  t.same(backwards.flags, ['meter-went-backwards']);
  t.equal(backwards.totalKwh, 0);
  t.equal(backwards.stoppedReason, 'Remote');
});

t.test('1.6 StatusNotification gives the charging state', async (t) => {
  const start = startEvent16({ connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: '2026-01-01T08:00:00Z' }, 9);
  const charging = statusEvent16(9, 1, 'Charging', '2026-01-01T08:02:00Z')!;
  const suspended = statusEvent16(9, 1, 'SuspendedEVSE', '2026-01-01T08:12:00Z')!;
  const again = statusEvent16(9, 1, 'Charging', '2026-01-01T08:20:00Z')!;
  const stop = stopEvent16({ transactionId: 9, meterStop: 10, timestamp: '2026-01-01T08:25:00Z' });
  t.equal(statusEvent16(9, 1, 'Available', '2026-01-01T08:00:00Z'), undefined);
  t.equal(statusEvent16(9, 1, 'toString', '2026-01-01T08:00:00Z'), undefined);
  const r = foldEvents([stop, again, start, suspended, charging], ctx)!.record;
  t.equal(r.timeSpentChargingSec, 600 + 300, '08:02–08:12 and 08:20–08:25');
  t.equal(r.chargingState, 'Charging');
});

t.test('resent 1.6 messages map to the same dedup keys', async (t) => {
  const req = { connectorId: 1, idTag: 'A', meterStart: 5, timestamp: '2026-01-01T08:00:00Z' };
  t.equal(startEvent16(req, 1).dedupKey, startEvent16({ ...req }, 2).dedupKey);
  const stop = { transactionId: 1, meterStop: 10, timestamp: '2026-01-01T09:00:00Z' };
  t.equal(stopEvent16(stop).dedupKey, stopEvent16({ ...stop }).dedupKey);
});

t.test('an implausible register step is flagged on the record (configurable), in any arrival order', async (t) => {
  const jump = [
    te(0, 'Started', '2026-01-01T10:00:00Z', { meterValue: energy(12, 'Transaction.Begin') }),
    te(1, 'Updated', '2026-01-01T10:15:00Z', { meterValue: energy(1_512) }),
    te(2, 'Ended', '2026-01-01T10:30:00Z', { meterValue: energy(1_513, 'Transaction.End') }),
  ];
  const r = foldEvents(jump, ctx)!.record;
  t.same(r.flags, ['implausible-energy-step'], '1.5 MWh in one sample');
  t.equal(r.totalKwh, 1_501, 'the total is what the meter said; the flag asks for a look');
  t.same(foldEvents(jump, { ...ctx, maxEnergyStepWh: 2_000_000 })!.record.flags, [], 'a larger configured step believes it');
  const received: TxEvent[] = [];
  let state: TransactionState | undefined;
  for (const ev of [jump[2]!, jump[0]!, jump[1]!]) {
    received.push(ev);
    state = mergeEvent(state, ev, () => received, ctx).state;
  }
  t.same(state!.record.flags, r.flags, 'Ended first, then Started, then the jump: the same flags');
  t.same(foldEvents(session, ctx)!.record.flags, [], 'an ordinary session is not flagged');
});

t.test('a CSMS close (ghost session) ends an active transaction, flagged; a late real end wins', async (t) => {
  const started = foldEvents(session.slice(0, 3), ctx)!;
  t.equal(started.record.isActive, true);
  const close = csmsCloseEvent(started.record, 'superseded', '2026-01-01T11:30:00.000Z', 'tx-2');
  const closed = applyEvent(started, close, ctx);
  t.match(closed.record, { isActive: false, endedAt: '2026-01-01T11:30:00.000Z', stoppedReason: 'Other', flags: ['superseded-by-new-transaction'] });
  t.equal(close.dedupKey, 'csms-close:superseded:tx-2');
  // The station's own Ended arrives after all: folded in seqNo order, it comes first and the close is moot.
  const all = [...session.slice(0, 5), close, session[5]!];
  const refolded = foldEvents(all, ctx)!.record;
  t.match(refolded, { isActive: false, endedAt: '2026-01-01T10:52:00.000Z', stoppedReason: 'EVDisconnected' });
  t.same(refolded.flags, [], 'no ghost flag once the real end is known');
  const ended = foldEvents(session, ctx)!;
  t.equal(applyEvent(ended, close, ctx), ended, 'after a real end, a close changes nothing');
  t.same(foldEvents([...session.slice(0, 2), csmsCloseEvent(started.record, 'timed-out', '2026-01-02T10:00:00.000Z', 'sweep')], ctx)!.record.flags, ['closed-after-timeout']);
});

t.test('2.x: reservationId, the newest triggerReason and every id token change are on the record', async (t) => {
  const events = [
    te(0, 'Started', '2026-01-01T10:00:00Z', { triggerReason: 'CablePluggedIn', reservationId: 42, evse: { id: 1, connectorId: 1 } }),
    te(1, 'Updated', '2026-01-01T10:01:00Z', { triggerReason: 'Authorized', idToken: { idToken: 'CARD-1', type: 'ISO14443' } }),
    te(2, 'Updated', '2026-01-01T10:02:00Z', { triggerReason: 'ChargingStateChanged', idToken: { idToken: 'CARD-1', type: 'ISO14443' }, evse: { id: 1, connectorId: 2 } }),
    te(3, 'Ended', '2026-01-01T11:00:00Z', { triggerReason: 'StopAuthorized', idToken: { idToken: 'CARD-2', type: 'ISO14443' } }),
  ];
  const r = foldEvents([events[3]!, events[1]!, events[0]!, events[2]!], ctx)!.record;
  t.equal(r.reservationId, 42);
  t.equal(r.triggerReason, 'StopAuthorized', 'the newest in seqNo order, whatever the arrival order');
  t.equal(r.connectorId, 2, 'an evse change is kept');
  t.same(r.idToken, { idToken: 'CARD-1', type: 'ISO14443' }, 'the token that authorized it identifies it');
  t.same(r.idTokens, [
    { idToken: 'CARD-1', type: 'ISO14443', at: '2026-01-01T10:01:00.000Z', triggerReason: 'Authorized' },
    { idToken: 'CARD-2', type: 'ISO14443', at: '2026-01-01T11:00:00.000Z', triggerReason: 'StopAuthorized' },
  ], 'each change once');
  t.equal(foldEvents([startEvent16({ connectorId: 1, idTag: 'A', meterStart: 0, timestamp: '2026-01-01T10:00:00Z', reservationId: 7 }, 5)], ctx)!.record.reservationId, 7, '1.6 too');
});
