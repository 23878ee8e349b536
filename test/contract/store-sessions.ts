import type { Test } from 'tap';
import type { Store } from '../../core/ports/store/store.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../core/transaction-mapping-2.js';
import { meterEvent16, stopEvent16 } from '../../core/transaction-mapping-16.js';
import type { TxEvent } from '../../core/transaction-types.js';
import type { StoreContractOptions } from './store.js';

/**
 * The charging-session slices of `Store` (transactions, meter values, id tokens, local lists),
 * written once and run by every adapter beside the station contract in ./store.ts.
 */
/** A 2.0.1 TransactionEvent of `txId` as the store receives it (also used by test/adapters/postgres-cluster). */
export function ev2(txId: string, seqNo: number, eventType: TransactionEventRequest['eventType'], at: string, extra: Partial<TransactionEventRequest> = {}): TxEvent {
  return transactionEventFrom2('ocpp2.0.1', {
    eventType,
    timestamp: at,
    triggerReason: 'Updated',
    seqNo,
    ...extra,
    transactionInfo: { transactionId: txId, ...(extra.transactionInfo ?? {}) },
  } as TransactionEventRequest);
}

/** One meter value of an energy register reading in kWh. */
export const kwh = (at: string, value: number, context?: string) => [{ timestamp: at, sampledValue: [{ value, context, unitOfMeasure: { unit: 'kWh' } }] }];

function session(txId: string, token = 'TOKEN-1'): TxEvent[] {
  return [
    ev2(txId, 0, 'Started', '2026-03-01T10:00:00Z', {
      idToken: { idToken: token, type: 'ISO14443' },
      evse: { id: 1, connectorId: 1 },
      transactionInfo: { transactionId: txId, chargingState: 'Charging' },
      meterValue: kwh('2026-03-01T10:00:00Z', 10, 'Transaction.Begin'),
    }),
    ev2(txId, 1, 'Updated', '2026-03-01T10:30:00Z', { meterValue: kwh('2026-03-01T10:30:00Z', 12.5) }),
    ev2(txId, 2, 'Ended', '2026-03-01T11:00:00Z', {
      transactionInfo: { transactionId: txId, stoppedReason: 'EVDisconnected' },
      meterValue: kwh('2026-03-01T11:00:00Z', 14.25, 'Transaction.End'),
    }),
  ];
}

export function sessionStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }

  t.test(`${name}: session store contract`, async (t) => {
    t.test('1.6 start assigns unique ids and answers a resend with the same one', async (t) => {
      const store = await fresh(t);
      const req = { connectorId: 1, idTag: 'TAG1', meterStart: 100, timestamp: '2026-03-01T09:00:00Z' };
      const a = await store.transactions.startTransaction16('t1', 'CS1', req);
      const again = await store.transactions.startTransaction16('t1', 'CS1', { ...req });
      const b = await store.transactions.startTransaction16('t1', 'CS2', req);
      t.equal(a.duplicate, false);
      t.equal(again.duplicate, true);
      t.equal(again.transaction.id, a.transaction.id);
      t.not(b.transaction.id, a.transaction.id, 'ids are unique across stations');
      t.equal(a.transaction.ocppTransactionId, Number(a.transaction.id));
      t.equal(a.transaction.isActive, true);
      t.equal(a.transaction.meterStartWh, 100);
      t.same(a.transaction.idToken, { idToken: 'TAG1', type: 'ISO14443' });
      const n = a.transaction.ocppTransactionId!;
      t.equal((await store.transactions.findActiveTransaction('t1', 'CS1', 1))?.id, a.transaction.id);
      t.equal(await store.transactions.findActiveTransaction('t1', 'CS1', 2), undefined);
      t.equal(await store.transactions.findActiveTransaction('t2', 'CS1', 1), undefined);
      await store.transactions.applyTransactionEvent('t1', 'CS1', meterEvent16({ connectorId: 1, transactionId: n, meterValue: [{ timestamp: '2026-03-01T09:10:00Z', sampledValue: [{ value: '1100' }] }] }));
      const stop = await store.transactions.applyTransactionEvent('t1', 'CS1', stopEvent16({ transactionId: n, meterStop: 1600, timestamp: '2026-03-01T09:20:00Z', reason: 'Remote' }));
      t.equal(stop.transaction.totalKwh, 1.5);
      t.equal(stop.transaction.isActive, false);
      t.equal(stop.transaction.stoppedReason, 'Remote');
      t.equal(await store.transactions.findActiveTransaction('t1', 'CS1', 1), undefined, 'ended');
      const stopAgain = await store.transactions.applyTransactionEvent('t1', 'CS1', stopEvent16({ transactionId: n, meterStop: 1600, timestamp: '2026-03-01T09:20:00Z', reason: 'Remote' }));
      t.equal(stopAgain.duplicate, true);
      t.equal(stopAgain.transaction.updatedAt, stop.transaction.updatedAt, 'a resend changes nothing');
      t.equal((await store.transactions.listMeterValues('t1', 'CS1', String(n))).length, 1);
    });

    t.test('a 1.6 stop for an unknown id is kept, flagged, and its id is never reissued there', async (t) => {
      const store = await fresh(t);
      const orphan = await store.transactions.applyTransactionEvent('t1', 'CS1', stopEvent16({ transactionId: 5000, meterStop: 10, timestamp: '2026-03-01T09:00:00Z' }));
      t.same(orphan.transaction.flags, ['ended-without-start', 'unknown-transaction']);
      t.equal(orphan.transaction.isActive, false);
      const next = await store.transactions.startTransaction16('t1', 'CS1', { connectorId: 1, idTag: 'X', meterStart: 0, timestamp: '2026-03-01T09:05:00Z' });
      t.not(next.transaction.ocppTransactionId, 5000);
    });

    t.test('1.6 ids: a reported id is never issued to any station, and cannot push the counter toward int32 overflow', async (t) => {
      const store = await fresh(t);
      const start = (station: string, tag: string) =>
        store.transactions.startTransaction16('t1', station, { connectorId: 1, idTag: tag, meterStart: 0, timestamp: '2026-03-01T09:05:00Z' });
      const first = (await start('CS1', 'A')).transaction.ocppTransactionId!;
      // CS2 reports the next two ids (a lost start, a restored station) and one near int32's end.
      for (const id of [first + 1, first + 2, 2_147_483_646]) {
        await store.transactions.applyTransactionEvent('t1', 'CS2', stopEvent16({ transactionId: id, meterStop: 10, timestamp: '2026-03-01T09:00:00Z' }));
      }
      const issued: number[] = [];
      for (const station of ['CS1', 'CS3', 'CS4']) issued.push((await start(station, `T-${station}`)).transaction.ocppTransactionId!);
      t.same(issued, [first + 3, first + 4, first + 5], 'claimed ids are skipped, the counter was not raised to 2147483646');
      t.ok(issued.every((id) => id <= 2_147_483_647));
    });

    t.test('2.x events: totals, idempotency, out of order, meter values', async (t) => {
      const store = await fresh(t);
      const events = session('tx-a');
      let last;
      for (const ev of events) last = await store.transactions.applyTransactionEvent('t1', 'CS1', ev);
      const r = last!.transaction;
      t.equal(r.totalKwh, 4.25);
      t.equal(r.timeSpentChargingSec, 3600);
      t.equal(r.stoppedReason, 'EVDisconnected');
      t.equal(r.lastSeqNo, 2);
      const dup = await store.transactions.applyTransactionEvent('t1', 'CS1', events[1]!);
      t.equal(dup.duplicate, true);
      t.same(dup.transaction, r);
      const mv = await store.transactions.listMeterValues('t1', 'CS1', 'tx-a');
      t.same(mv.map((m) => [m.timestamp, m.value, m.unit]), [
        ['2026-03-01T10:00:00.000Z', 10, 'kWh'],
        ['2026-03-01T10:30:00.000Z', 12.5, 'kWh'],
        ['2026-03-01T11:00:00.000Z', 14.25, 'kWh'],
      ]);
      t.same(await store.transactions.listMeterValues('t2', 'CS1', 'tx-a'), [], 'tenant-scoped');

      const reversed = session('tx-b');
      let out;
      for (const ev of [reversed[2]!, reversed[0]!, reversed[1]!]) out = await store.transactions.applyTransactionEvent('t1', 'CS1', ev);
      t.equal(out!.outOfOrder, true);
      const { createdAt: _a, updatedAt: _b, id: _c, ...restB } = out!.transaction;
      const { createdAt: _d, updatedAt: _e, id: _f, ...restA } = r;
      t.same(restB, restA, 'out-of-order delivery ends in the same record');
    });

    t.test('get and list: filters, sort, cursor pagination, tenants', async (t) => {
      const store = await fresh(t);
      for (let i = 0; i < 5; i++) {
        const evs = session(`tx-${i}`, i % 2 ? 'ODD' : 'EVEN').map((e) => ({ ...e, timestamp: e.timestamp.replace('2026-03-01', `2026-03-0${i + 1}`) }));
        await store.transactions.applyTransactionEvent('t1', i < 3 ? 'CS1' : 'CS2', evs[0]!);
        if (i !== 4) await store.transactions.applyTransactionEvent('t1', i < 3 ? 'CS1' : 'CS2', evs[2]!);
      }
      await store.transactions.applyTransactionEvent('t2', 'CS9', session('tx-0')[0]!);
      t.equal((await store.transactions.getTransaction('t1', 'tx-4'))?.stationId, 'CS2');
      t.equal(await store.transactions.getTransaction('t2', 'tx-4'), undefined, 'other tenant');
      t.equal((await store.transactions.getTransaction('t2', 'tx-0', 'CS9'))?.tenantId, 't2');
      t.equal(await store.transactions.getTransaction('t1', 'tx-0', 'CS9'), undefined);
      await store.transactions.applyTransactionEvent('t2', 'CS8', session('tx-0')[0]!);
      await t.rejects(store.transactions.getTransaction('t2', 'tx-0'), { name: 'AmbiguousTransactionError', stationIds: ['CS8', 'CS9'] }, 'an id two stations use is never guessed');
      t.equal((await store.transactions.getTransaction('t2', 'tx-0', 'CS8'))?.stationId, 'CS8', 'station id + transaction id is unique');
      const ids = async (q: Parameters<Store['transactions']['listTransactions']>[1]) => (await store.transactions.listTransactions('t1', q)).items.map((x) => x.id);
      t.same(await ids({ limit: 10 }), ['tx-4', 'tx-3', 'tx-2', 'tx-1', 'tx-0'], 'default: newest start first');
      t.same(await ids({ limit: 10, sort: 'startedAt' }), ['tx-0', 'tx-1', 'tx-2', 'tx-3', 'tx-4']);
      t.same(await ids({ limit: 10, stationId: 'CS2' }), ['tx-4', 'tx-3']);
      t.same(await ids({ limit: 10, active: true }), ['tx-4']);
      t.same(await ids({ limit: 10, active: false, idToken: 'ODD' }), ['tx-3', 'tx-1']);
      t.same(await ids({ limit: 10, from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z' }), ['tx-2', 'tx-1']);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.transactions.listTransactions('t1', { limit: 2, cursor, sort: 'startedAt' });
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor;
      } while (cursor);
      t.same(seen, ['tx-0', 'tx-1', 'tx-2', 'tx-3', 'tx-4'], 'pages cover everything once');
    });

    t.test('remote starts lend their id to the 1.6 start they caused; 2.x carries it', async (t) => {
      const store = await fresh(t);
      const at = new Date().toISOString();
      const rid = await store.transactions.recordRemoteStart({ tenantId: 't1', stationId: 'CS1', idToken: 'REMOTE', evseId: 1, at });
      const other = await store.transactions.recordRemoteStart({ tenantId: 't1', stationId: 'CS1', idToken: 'ELSE', evseId: null, at });
      t.not(rid, other);
      const start = { connectorId: 1, idTag: 'REMOTE', meterStart: 0, timestamp: at };
      // remoteStart16 is read before the write (the 1.6 handler judges the idTag first): it says what the write's outcome will.
      t.equal(await store.transactions.remoteStart16('t1', 'CS1', start), true, 'read before the write: a pending remote start for the idTag');
      t.equal(await store.transactions.remoteStart16('t1', 'CS1', { ...start, idTag: 'NOBODY' }), false, 'none for another idTag');
      t.equal(await store.transactions.remoteStart16('t1', 'CS2', start), false, 'none for another station');
      const started = await store.transactions.startTransaction16('t1', 'CS1', start);
      t.equal(started.transaction.remoteStartId, rid);
      t.equal(started.remoteStart, true, 'a remote start this CSMS issued');
      t.equal(await store.transactions.remoteStart16('t1', 'CS1', start), true, 'read before a resend: the stored one');
      t.equal((await store.transactions.startTransaction16('t1', 'CS1', start)).remoteStart, true, 'also on a resend');
      t.equal(await store.transactions.remoteStart16('t1', 'CS1', { ...start, meterStart: 5 }), false, 'read before another start: already claimed');
      const second = await store.transactions.startTransaction16('t1', 'CS1', { connectorId: 1, idTag: 'REMOTE', meterStart: 5, timestamp: at });
      t.equal(second.transaction.remoteStartId, null, 'a remote start is claimed once');
      t.equal(second.remoteStart, false);
      const issued = (await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('rs-2x', 0, 'Started', at, { transactionInfo: { transactionId: 'rs-2x', remoteStartId: other } }))).remoteStart;
      t.equal(issued, true, '2.x: the station reports an id we issued to it');
      const bogus = await store.transactions.applyTransactionEvent('t1', 'CS2', ev2('rs-2y', 0, 'Started', at, { transactionInfo: { transactionId: 'rs-2y', remoteStartId: other } }));
      t.equal(bogus.remoteStart, false, 'not issued to that station');
      t.equal(bogus.transaction.remoteStartId, other, 'still recorded as the station reported it');
      t.equal((await store.transactions.applyTransactionEvent('t1', 'CS9', session('plain')[0]!)).remoteStart, false);
      const page = await store.transactions.listTransactions('t1', { limit: 5, remoteStartId: rid });
      t.same(page.items.map((x) => x.id), [started.transaction.id]);
    });

    t.test('station meter values outside transactions are stored apart', async (t) => {
      const store = await fresh(t);
      await store.transactions.recordStationMeterValues({ tenantId: 't1', stationId: 'CS1', evseId: 0, samples: [{ timestamp: '2026-03-01T00:00:00.000Z', sampledValue: [{ value: 1, measurand: 'Voltage', unit: 'V', multiplier: 0, context: null, phase: null, location: null }] }] });
      t.same(await store.transactions.listMeterValues('t1', 'CS1', 'anything'), []);
    });

    t.test('id tokens: create, replace, record-if-absent, delete, list, tenants', async (t) => {
      const store = await fresh(t);
      const tok = { tenantId: 't1', idToken: 'A1', type: 'ISO14443', status: 'Accepted' as const, expiresAt: null, groupId: 'G', source: 'api' as const };
      t.equal(await store.tokens.putIdToken(tok), true);
      t.equal(await store.tokens.putIdToken({ ...tok, status: 'Blocked' }), false);
      t.equal((await store.tokens.findIdToken('t1', 'A1'))?.status, 'Blocked');
      await store.tokens.recordSeenIdToken({ ...tok, status: 'Accepted', source: 'auto' });
      t.equal((await store.tokens.findIdToken('t1', 'A1'))?.status, 'Blocked', 'never overwrites');
      await store.tokens.recordSeenIdToken({ ...tok, idToken: 'B2', source: 'auto' });
      t.equal((await store.tokens.findIdToken('t1', 'B2'))?.source, 'auto');
      t.equal(await store.tokens.findIdToken('t2', 'A1'), undefined);
      const page1 = await store.tokens.listIdTokens('t1', { limit: 1 });
      t.same(page1.items.map((x) => x.idToken), ['A1']);
      const page2 = await store.tokens.listIdTokens('t1', { limit: 1, cursor: page1.nextCursor });
      t.same(page2.items.map((x) => x.idToken), ['B2']);
      t.equal(page2.nextCursor, undefined);
      t.equal(await store.tokens.deleteIdToken('t2', 'A1'), false);
      t.equal(await store.tokens.deleteIdToken('t1', 'A1'), true);
      t.equal(await store.tokens.findIdToken('t1', 'A1'), undefined);
    });

    t.test('id token groups: the groups in use with their sizes, and a group\'s members paged (issue 15)', async (t) => {
      const store = await fresh(t);
      const tok = { tenantId: 't1', type: 'ISO14443', status: 'Accepted' as const, expiresAt: null, source: 'api' as const };
      for (const [idToken, groupId] of [['A1', 'FLEET'], ['A2', 'FLEET'], ['A3', 'FLEET'], ['B1', 'STAFF'], ['C1', null], ['A0', 'FLEET']] as const) {
        await store.tokens.putIdToken({ ...tok, idToken, groupId });
      }
      await store.tokens.putIdToken({ ...tok, tenantId: 't2', idToken: 'X1', groupId: 'FLEET' });
      t.same(await store.tokens.listTokenGroups('t1'), [{ groupId: 'FLEET', members: 4 }, { groupId: 'STAFF', members: 1 }], 'by group id; tokens without a group are no group');
      t.same(await store.tokens.listTokenGroups('t2'), [{ groupId: 'FLEET', members: 1 }], 'per tenant');
      t.same(await store.tokens.listTokenGroups('t3'), []);
      const page1 = await store.tokens.listIdTokens('t1', { limit: 3, groupId: 'FLEET' });
      t.same(page1.items.map((x) => x.idToken), ['A0', 'A1', 'A2']);
      const page2 = await store.tokens.listIdTokens('t1', { limit: 3, groupId: 'FLEET', cursor: page1.nextCursor });
      t.same(page2.items.map((x) => x.idToken), ['A3']);
      t.equal(page2.nextCursor, undefined);
      // Moving a token to another group (a PUT with its new groupId) moves it between the lists.
      await store.tokens.putIdToken({ ...tok, idToken: 'A3', groupId: 'STAFF' });
      t.same(await store.tokens.listTokenGroups('t1'), [{ groupId: 'FLEET', members: 3 }, { groupId: 'STAFF', members: 2 }]);
      t.same((await store.tokens.listIdTokens('t1', { limit: 10, groupId: 'STAFF' })).items.map((x) => x.idToken), ['A3', 'B1']);
      t.same((await store.tokens.listIdTokens('t2', { limit: 10, groupId: 'STAFF' })).items, [], 'never another tenant\'s');
    });

    t.test('id tokens are matched as the specs compare them: value without case, 2.x type', async (t) => {
      const store = await fresh(t);
      const tok = { tenantId: 't1', type: 'ISO14443', status: 'Accepted' as const, expiresAt: null, groupId: null, source: 'api' as const };
      await store.tokens.putIdToken({ ...tok, idToken: 'Card-A' });
      await store.tokens.putIdToken({ ...tok, idToken: 'card-b', type: 'eMAID', allowConcurrentTx: true });
      await store.tokens.putIdToken({ ...tok, idToken: 'CARD-B', status: 'Blocked' });
      t.equal((await store.tokens.matchIdToken('t1', 'CARD-a'))?.idToken, 'Card-A', 'any case');
      t.equal((await store.tokens.matchIdToken('t1', 'card-a', 'ISO14443'))?.idToken, 'Card-A', 'with its type');
      t.equal(await store.tokens.matchIdToken('t1', 'card-a', 'eMAID'), undefined, 'another type is another token');
      t.equal(await store.tokens.matchIdToken('t2', 'Card-A'), undefined, 'tenant-scoped');
      t.equal(await store.tokens.matchIdToken('t1', 'Card-'), undefined, 'whole values only');
      t.equal((await store.tokens.matchIdToken('t1', 'CARD-B'))?.status, 'Blocked', 'the exact-case entry first');
      t.equal((await store.tokens.matchIdToken('t1', 'card-b'))?.type, 'eMAID', 'the exact-case entry first');
      t.equal((await store.tokens.matchIdToken('t1', 'Card-B', 'eMAID'))?.idToken, 'card-b', 'by type among case variants');
      t.equal((await store.tokens.findIdToken('t1', 'card-b'))?.allowConcurrentTx, true, 'the ConcurrentTx allowance is kept');
      t.equal((await store.tokens.findIdToken('t1', 'Card-A'))?.allowConcurrentTx, false, 'and false by default');
      t.equal(await store.tokens.findIdToken('t1', 'card-A'), undefined, 'findIdToken stays exact (the API addresses one entry)');
    });

    t.test('an id token keeps its load-management priority; none by default; replacing without one drops it', async (t) => {
      const store = await fresh(t);
      const tok = { tenantId: 't1', type: 'ISO14443', status: 'Accepted' as const, expiresAt: null, groupId: null, source: 'api' as const };
      await store.tokens.putIdToken({ ...tok, idToken: 'VIP', priority: 10 });
      await store.tokens.putIdToken({ ...tok, idToken: 'FLEET', priority: -3 });
      await store.tokens.putIdToken({ ...tok, idToken: 'PLAIN' });
      t.equal((await store.tokens.findIdToken('t1', 'VIP'))?.priority, 10);
      t.equal((await store.tokens.matchIdToken('t1', 'vip'))?.priority, 10, 'matchIdToken carries it (the allocator reads it so)');
      t.equal((await store.tokens.findIdToken('t1', 'FLEET'))?.priority, -3);
      t.notOk('priority' in (await store.tokens.findIdToken('t1', 'PLAIN'))!, 'absent, not null');
      await store.tokens.putIdToken({ ...tok, idToken: 'VIP', priority: null });
      t.notOk('priority' in (await store.tokens.findIdToken('t1', 'VIP'))!, 'a replace without one drops it');
      t.same((await store.tokens.listIdTokens('t1', { limit: 10 })).items.map((x) => [x.idToken, x.priority ?? null]), [['FLEET', -3], ['PLAIN', null], ['VIP', null]]);
    });

    t.test('signed meter values are kept with the transaction\'s meter values', async (t) => {
      const store = await fresh(t);
      const signed = { signedMeterData: 'c2ln', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'cHVi' };
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('tx-s', 0, 'Started', '2026-03-01T10:00:00Z', {
        meterValue: [{ timestamp: '2026-03-01T10:00:00Z', sampledValue: [{ value: 10, context: 'Transaction.Begin', unitOfMeasure: { unit: 'kWh' }, signedMeterValue: signed }, { value: 230, measurand: 'Voltage' }] }],
      }));
      const n = (await store.transactions.startTransaction16('t1', 'CS1', { connectorId: 2, idTag: 'S', meterStart: 0, timestamp: '2026-03-01T10:00:00Z' })).transaction.ocppTransactionId!;
      await store.transactions.applyTransactionEvent('t1', 'CS1', meterEvent16({ connectorId: 2, transactionId: n, meterValue: [{ timestamp: '2026-03-01T10:05:00Z', sampledValue: [
        { value: '500' }, { value: 'OCMF|a|b', format: 'SignedData' }, { value: 'LONE', format: 'SignedData', measurand: 'Current.Import' },
      ] }] }));
      const rows = await store.transactions.listMeterValues('t1', 'CS1', 'tx-s');
      t.same(rows.map((r) => r.signedMeterValue), [{ ...signed, format: null }, null]);
      const rows16 = await store.transactions.listMeterValues('t1', 'CS1', String(n));
      t.same(rows16.map((r) => [r.measurand, r.signedMeterValue?.signedMeterData ?? null, r.signedMeterValue?.valueless ?? false]), [
        ['Energy.Active.Import.Register', 'OCMF|a|b', false],
        ['Current.Import', 'LONE', true],
      ]);
      t.equal((await store.transactions.getTransaction('t1', String(n), 'CS1'))!.totalKwh, 0.5, 'a valueless signed row counts no energy');
    });

    t.test('ghost sessions: a Started on an EVSE closes the transaction still active there, flagged', async (t) => {
      const store = await fresh(t);
      const started = (txId: string, evse: number, at: string) =>
        ev2(txId, 0, 'Started', at, { evse: { id: evse, connectorId: 1 }, meterValue: kwh(at, 5, 'Transaction.Begin') });
      await store.transactions.applyTransactionEvent('t1', 'CS1', started('ghost', 1, '2026-03-01T10:00:00Z'));
      await store.transactions.applyTransactionEvent('t1', 'CS1', started('other-evse', 2, '2026-03-01T10:05:00Z'));
      await store.transactions.applyTransactionEvent('t1', 'CS2', started('other-station', 1, '2026-03-01T10:06:00Z'));
      const next = await store.transactions.applyTransactionEvent('t1', 'CS1', started('next', 1, '2026-03-01T12:00:00Z'));
      t.equal(next.transaction.isActive, true);
      t.same(next.closed?.map((r) => [r.id, r.isActive, r.flags]), [['ghost', false, ['superseded-by-new-transaction']]], 'the outcome names the ghost it closed');
      t.match(await store.transactions.getTransaction('t1', 'ghost', 'CS1'), {
        isActive: false, endedAt: '2026-03-01T12:00:00.000Z', stoppedReason: 'Other', flags: ['superseded-by-new-transaction'],
      });
      t.equal((await store.transactions.getTransaction('t1', 'other-evse', 'CS1'))!.isActive, true, 'another EVSE is left alone');
      t.equal((await store.transactions.getTransaction('t1', 'other-station', 'CS2'))!.isActive, true, 'another station is left alone');
      t.equal((await store.transactions.applyTransactionEvent('t1', 'CS1', started('next', 1, '2026-03-01T12:00:00Z'))).duplicate, true);
      // The ghost's own end arrives late: it wins, the flag goes.
      const late = await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('ghost', 1, 'Ended', '2026-03-01T10:40:00Z', { transactionInfo: { transactionId: 'ghost', stoppedReason: 'EVDisconnected' } }));
      t.match(late.transaction, { isActive: false, endedAt: '2026-03-01T10:40:00.000Z', stoppedReason: 'EVDisconnected', flags: [] });
      // 1.6: a StartTransaction on a connector with an active one does the same.
      const a = await store.transactions.startTransaction16('t1', 'CS3', { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: '2026-03-01T09:00:00Z' });
      const b = await store.transactions.startTransaction16('t1', 'CS3', { connectorId: 1, idTag: 'B', meterStart: 0, timestamp: '2026-03-01T11:00:00Z' });
      t.same(b.closed?.map((r) => r.id), [a.transaction.id], 'a 1.6 start names the ghost it closed');
      t.equal(a.closed, undefined, 'none closed: none named');
      t.match(await store.transactions.getTransaction('t1', a.transaction.id, 'CS3'), { isActive: false, flags: ['superseded-by-new-transaction'] });
    });

    t.test('stale transactions are closed at their last event, flagged; a late real end still wins', async (t) => {
      const store = await fresh(t);
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('stale-a', 0, 'Started', '2026-03-01T10:00:00Z', { evse: { id: 1 } }));
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('stale-a', 1, 'Updated', '2026-03-01T10:20:00Z'));
      await store.transactions.applyTransactionEvent('t2', 'CS9', ev2('stale-b', 0, 'Started', '2026-03-01T11:00:00Z', { evse: { id: 1 } }));
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('done', 0, 'Started', '2026-03-01T10:00:00Z', { evse: { id: 2 } }));
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('done', 1, 'Ended', '2026-03-01T10:05:00Z'));
      t.same(await store.transactions.closeStaleTransactions('2000-01-01T00:00:00.000Z', 10), [], 'nothing older than that');
      const closed = await store.transactions.closeStaleTransactions(new Date(Date.now() + 60_000).toISOString(), 10);
      t.same(closed.map((x) => [x.tenantId, x.id]).sort(), [['t1', 'stale-a'], ['t2', 'stale-b']], 'active ones of every tenant');
      t.match(await store.transactions.getTransaction('t1', 'stale-a', 'CS1'), {
        isActive: false, endedAt: '2026-03-01T10:20:00.000Z', stoppedReason: 'Other', flags: ['closed-after-timeout'],
      });
      t.same(await store.transactions.closeStaleTransactions(new Date(Date.now() + 60_000).toISOString(), 10), [], 'closed once');
      const late = await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('stale-a', 2, 'Ended', '2026-03-01T12:00:00Z'));
      t.match(late.transaction, { endedAt: '2026-03-01T12:00:00.000Z', stoppedReason: 'Local', flags: [] });
    });

    t.test('2.x reservationId, triggerReason and id token changes are stored on the record', async (t) => {
      const store = await fresh(t);
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('tx-r', 0, 'Started', '2026-03-01T10:00:00Z', { triggerReason: 'CablePluggedIn', reservationId: 9 }));
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('tx-r', 1, 'Updated', '2026-03-01T10:01:00Z', { triggerReason: 'Authorized', idToken: { idToken: 'A', type: 'eMAID' } }));
      await store.transactions.applyTransactionEvent('t1', 'CS1', ev2('tx-r', 2, 'Ended', '2026-03-01T11:00:00Z', { triggerReason: 'StopAuthorized', idToken: { idToken: 'B', type: 'ISO14443' } }));
      const r = (await store.transactions.getTransaction('t1', 'tx-r', 'CS1'))!;
      t.equal(r.reservationId, 9);
      t.equal(r.triggerReason, 'StopAuthorized');
      t.same(r.idTokens.map((x) => [x.idToken, x.type, x.triggerReason]), [['A', 'eMAID', 'Authorized'], ['B', 'ISO14443', 'StopAuthorized']]);
      const listed = (await store.transactions.listTransactions('t1', { limit: 5, stationId: 'CS1' })).items[0]!;
      t.same(listed.idTokens, r.idTokens, 'listed the same');
    });

    t.test('transactions by id token: case-insensitive', async (t) => {
      const store = await fresh(t);
      await store.transactions.startTransaction16('t1', 'CS1', { connectorId: 1, idTag: 'Fleet-1', meterStart: 0, timestamp: '2026-03-01T09:00:00Z' });
      const page = await store.transactions.listTransactions('t1', { limit: 10, active: true, idToken: 'FLEET-1' });
      t.same(page.items.map((x) => x.idToken?.idToken), ['Fleet-1']);
      t.same((await store.transactions.listTransactions('t1', { limit: 10, idToken: 'Fleet-' })).items, [], 'whole values only');
    });

    t.test('local lists per station', async (t) => {
      const store = await fresh(t);
      t.equal(await store.tokens.getLocalList('t1', 'CS1'), undefined);
      await store.tokens.applyLocalList('t1', 'CS1', { updateType: 'Full', version: 3, entries: [{ idToken: 'A', type: 'ISO14443', status: 'Accepted' }] });
      const list = await store.tokens.applyLocalList('t1', 'CS1', { updateType: 'Differential', version: 4, entries: [{ idToken: 'B', type: 'ISO14443', status: 'Blocked' }] });
      t.equal(list.version, 4);
      const got = await store.tokens.getLocalList('t1', 'CS1');
      t.equal(got?.version, 4);
      t.same(got?.entries.map((e) => e.idToken), ['A', 'B']);
      t.equal(await store.tokens.getLocalList('t2', 'CS1'), undefined);
    });

    if (options.reopen) {
      t.test('sessions survive close and reopen', async (t) => {
        const store = await options.open();
        for (const ev of session('tx-d')) await store.transactions.applyTransactionEvent('t1', 'CS1', ev);
        await store.close();
        const again = await options.reopen!(store);
        t.teardown(() => again.close());
        t.equal((await again.transactions.getTransaction('t1', 'tx-d'))?.totalKwh, 4.25);
        t.equal((await again.transactions.listMeterValues('t1', 'CS1', 'tx-d')).length, 3);
      });
    }
  });
}
