import type { Test } from 'tap';
import type { Store } from '../../core/ports/store/store.js';
import type { TariffAssignment, TariffRecord, TransactionCost } from '../../core/tariff-assignment.js';
import type { StoreContractOptions } from './store.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../core/transaction-mapping-2.js';
import { stopEvent16 } from '../../core/transaction-mapping-16.js';
import type { TxEvent } from '../../core/transaction-types.js';

function ev2(txId: string, seqNo: number, eventType: TransactionEventRequest['eventType'], at: string, kwh: number, extra: Partial<TransactionEventRequest> = {}): TxEvent {
  return transactionEventFrom2('ocpp2.0.1', {
    eventType,
    timestamp: at,
    triggerReason: 'Updated',
    seqNo,
    meterValue: [{ timestamp: at, sampledValue: [{ value: kwh, unitOfMeasure: { unit: 'kWh' } }] }],
    ...extra,
    transactionInfo: { transactionId: txId, ...(extra.transactionInfo ?? {}) },
  } as TransactionEventRequest);
}

/** Tariffs (`store.tariffs`): tariffs per tenant, assignments resolved in order, transaction costs (running, then final). */
export function tariffStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const at = '2026-11-30T06:00:00.000Z';
  const tariff = (tenantId: string, id: string, energy = '0.30'): TariffRecord => ({
    tenantId,
    id,
    currency: 'EUR',
    taxPercent: '21',
    prices: { energy },
    periods: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '23:00', energy: '0.40' }],
    displayText: `${energy} EUR/kWh`,
    createdAt: at,
    updatedAt: at,
  });
  const assign = (tenantId: string, target: TariffAssignment['target'], tariffId: string): TariffAssignment => ({ tenantId, target, tariffId, updatedAt: at });
  const cost = (tenantId: string, stationId: string, transactionId: string, final: boolean, totalInclTax: string): TransactionCost => ({
    tenantId,
    stationId,
    transactionId,
    protocol: 'ocpp2.0.1',
    tariff: tariff(tenantId, 'std'),
    assignedBy: 'default',
    cost: {
      currency: 'EUR',
      minorDigits: 2,
      energy: { exclTax: 100, quantity: 1 },
      chargingTime: { exclTax: 0, quantity: 0 },
      idleTime: { exclTax: 0, quantity: 0 },
      sessionFee: { exclTax: 0, quantity: 0 },
      totalExclTax: 100,
      tax: 21,
      totalInclTax: 121,
    },
    totalExclTax: '1.00',
    totalInclTax,
    final,
    until: at,
    computedAt: at,
  });

  t.test(`${name}: tariff store contract`, async (t) => {
    t.test('tariffs per tenant: put, replace, list by id, delete', async (t) => {
      const store = await fresh(t);
      t.equal(await store.tariffs.putTariff(tariff('acme', 'std')), true, 'new');
      t.equal(await store.tariffs.putTariff(tariff('acme', 'std', '0.35')), false, 'replaced');
      await store.tariffs.putTariff(tariff('acme', 'alpha'));
      await store.tariffs.putTariff(tariff('globex', 'std', '0.99'));
      t.same(await store.tariffs.getTariff('acme', 'std'), tariff('acme', 'std', '0.35'));
      t.same((await store.tariffs.listTariffs('acme')).map((x) => x.id), ['alpha', 'std']);
      t.equal(await store.tariffs.deleteTariff('acme', 'std'), true);
      t.equal(await store.tariffs.deleteTariff('acme', 'std'), false, 'already gone');
      t.equal(await store.tariffs.getTariff('acme', 'std'), undefined);
      t.equal((await store.tariffs.getTariff('globex', 'std'))!.prices.energy, '0.99', 'the other tenant keeps its own');
    });

    t.test('assignments: one per target, resolved token group > EVSE > station > station group > default', async (t) => {
      const store = await fresh(t);
      for (const id of ['dflt', 'grp', 'stn', 'evse', 'fleet']) await store.tariffs.putTariff(tariff('acme', id));
      t.equal(await store.tariffs.resolveTariff('acme', { stationId: 'CP1' }), undefined, 'nothing assigned: no tariff');
      t.equal(await store.tariffs.putAssignment(assign('acme', { kind: 'default' }, 'grp')), true);
      t.equal(await store.tariffs.putAssignment(assign('acme', { kind: 'default' }, 'dflt')), false, 'the default replaced');
      await store.tariffs.putAssignment(assign('acme', { kind: 'stationGroup', group: 'north', stationIds: ['CP1', 'CP2'] }, 'grp'));
      await store.tariffs.putAssignment(assign('acme', { kind: 'station', stationId: 'CP1' }, 'stn'));
      await store.tariffs.putAssignment(assign('acme', { kind: 'evse', stationId: 'CP1', evseId: 2 }, 'evse'));
      await store.tariffs.putAssignment(assign('acme', { kind: 'tokenGroup', groupId: 'FLEET' }, 'fleet'));
      const pick = async (scope: Parameters<Store['tariffs']['resolveTariff']>[1]) => {
        const r = await store.tariffs.resolveTariff('acme', scope);
        return r && `${r.assignedBy}:${r.tariff.id}`;
      };
      t.equal(await pick({ stationId: 'CP1', evseId: 2, tokenGroupId: 'FLEET' }), 'tokenGroup:fleet');
      t.equal(await pick({ stationId: 'CP1', evseId: 2, tokenGroupId: 'OTHER' }), 'evse:evse');
      t.equal(await pick({ stationId: 'CP1', evseId: 1 }), 'station:stn');
      t.equal(await pick({ stationId: 'CP2', evseId: 1 }), 'stationGroup:grp');
      t.equal(await pick({ stationId: 'CP3' }), 'default:dflt');
      t.equal(await store.tariffs.resolveTariff('globex', { stationId: 'CP1' }), undefined, 'another tenant sees none of them');
      t.equal((await store.tariffs.listAssignments('acme')).length, 5);
      t.equal(await store.tariffs.deleteAssignment('acme', { kind: 'station', stationId: 'CP1' }), true);
      t.equal(await store.tariffs.deleteAssignment('acme', { kind: 'station', stationId: 'CP1' }), false);
      t.equal(await pick({ stationId: 'CP1', evseId: 1 }), 'stationGroup:grp', 'the station falls back to its group');
      await store.tariffs.deleteTariff('acme', 'dflt');
      t.equal(await pick({ stationId: 'CP3' }), undefined, 'an assignment to a deleted tariff applies no tariff');
    });

    t.test('costs: running replaced by running and by final, never a final by a running one', async (t) => {
      const store = await fresh(t);
      t.equal(await store.tariffs.putCost(cost('acme', 'CP1', 'tx1', false, '1.21')), true);
      t.equal(await store.tariffs.putCost(cost('acme', 'CP1', 'tx1', false, '2.42')), true);
      await store.tariffs.putCost(cost('acme', 'CP2', 'tx1', false, '3.00'));
      await store.tariffs.putCost(cost('globex', 'GX', 'a', false, '4.00'));
      t.equal((await store.tariffs.getCost('acme', 'CP1', 'tx1'))!.totalInclTax, '2.42');
      t.equal(await store.tariffs.getCost('globex', 'CP1', 'tx1'), undefined, "another tenant's transaction is not found");
      t.same((await store.tariffs.listRunningCosts(10)).map((c) => `${c.stationId}/${c.transactionId}`), ['CP1/tx1', 'CP2/tx1', 'GX/a'], 'running ones of every tenant');
      t.same((await store.tariffs.listRunningCosts(1, { stationId: 'CP1', transactionId: 'tx1' })).map((c) => c.stationId), ['CP2'], 'paged by key');
      t.equal(await store.tariffs.putCost(cost('acme', 'CP1', 'tx1', true, '5.00')), true, 'final');
      t.equal(await store.tariffs.putCost(cost('acme', 'CP1', 'tx1', false, '9.99')), false, 'a late running cost is not written');
      t.same(await store.tariffs.getCost('acme', 'CP1', 'tx1'), cost('acme', 'CP1', 'tx1', true, '5.00'));
      t.equal(await store.tariffs.putCost(cost('acme', 'CP1', 'tx1', true, '5.50')), true, 'a final one recomputed (late meter values) replaces it');
      t.equal((await store.tariffs.getCost('acme', 'CP1', 'tx1'))!.totalInclTax, '5.50');
      t.same((await store.tariffs.listRunningCosts(10)).map((c) => c.stationId), ['CP2', 'GX'], 'final ones are not running');
    });

    t.test('a transaction message priced in its own write: the cost commits with it (TransactionWriteOptions.cost)', async (t) => {
      const store = await fresh(t);
      // MongoDB prices after the write (its slices share no transaction): costed stays absent there.
      const inWrite = store.kind !== 'mongodb';
      const flat: TariffRecord = { tenantId: 'acme', id: 'flat', currency: 'EUR', taxPercent: '0', sessionFee: '1.00', prices: { energy: '0.30' }, createdAt: at, updatedAt: at };
      const fleet: TariffRecord = { ...flat, id: 'fleet', sessionFee: '0.00' };
      await store.tariffs.putTariff(flat);
      await store.tariffs.putTariff(fleet);
      await store.tariffs.putAssignment(assign('acme', { kind: 'default' }, 'flat'));
      await store.tariffs.putAssignment(assign('acme', { kind: 'tokenGroup', groupId: 'FLEET' }, 'fleet'));
      await store.tokens.putIdToken({ tenantId: 'acme', idToken: 'Fleet-Card', type: 'ISO14443', status: 'Accepted', expiresAt: null, groupId: 'FLEET', source: 'api' });
      const priced = (at: string) => ({ cost: { at, computedAt: at } });
      const token = { idToken: { idToken: 'TOKEN-1', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } };

      const started = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx1', 0, 'Started', '2026-03-02T10:00:00Z', 10, token), priced('2026-03-02T10:00:00Z'));
      if (!inWrite) {
        t.equal(started.costed, undefined, 'this adapter leaves pricing to the caller');
        return;
      }
      t.match(started, { costed: true, cost: { tariff: { id: 'flat' }, assignedBy: 'default', totalInclTax: '1.00', final: false } }, 'the session fee at the start');
      t.same(await store.tariffs.getCost('acme', 'CP1', 'tx1'), started.cost, 'kept');
      const updated = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx1', 1, 'Updated', '2026-03-02T10:30:00Z', 12.5), priced('2026-03-02T10:30:00Z'));
      t.match(updated.cost, { totalInclTax: '1.75', final: false, until: '2026-03-02T10:30:00Z' }, '2.5 kWh × 0.30 + 1.00, with the meter value of this very message');
      const again = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx1', 1, 'Updated', '2026-03-02T10:30:00Z', 12.5), priced('2026-03-02T10:45:00Z'));
      t.match(again, { duplicate: true, costed: true, cost: { totalInclTax: '1.75' } }, 'a redelivered message answers the kept cost');
      await store.tariffs.putAssignment(assign('acme', { kind: 'default' }, 'fleet'));
      const ended = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx1', 2, 'Ended', '2026-03-02T11:00:00Z', 14.25), priced('2026-03-02T11:00:00Z'));
      t.match(ended.cost, { tariff: { id: 'flat' }, totalInclTax: '2.28', final: true }, 'final, under the tariff pinned at the start (4.25 kWh × 0.30 rounded half-up + 1.00)');
      t.match(await store.tariffs.getCost('acme', 'CP1', 'tx1'), { final: true, totalInclTax: '2.28' });

      const member = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx2', 0, 'Started', '2026-03-02T12:00:00Z', 20, { idToken: { idToken: 'FLEET-CARD', type: 'ISO14443' }, evse: { id: 2, connectorId: 1 } }), priced('2026-03-02T12:00:00Z'));
      t.match(member.cost, { tariff: { id: 'fleet' }, assignedBy: 'tokenGroup', totalInclTax: '0.00' }, 'the group of its token (matched case-insensitively)');

      const none = await store.transactions.applyTransactionEvent('globex', 'GX1', ev2('tx1', 0, 'Started', '2026-03-02T10:00:00Z', 10, token), priced('2026-03-02T10:00:00Z'));
      t.equal(none.costed, true, 'priced in the write');
      t.equal(none.cost, undefined, 'a tenant without tariffs: no cost');
      t.equal(await store.tariffs.getCost('globex', 'GX1', 'tx1'), undefined, 'nothing kept');
      const unasked = await store.transactions.applyTransactionEvent('acme', 'CP1', ev2('tx3', 0, 'Started', '2026-03-02T13:00:00Z', 30, token));
      t.equal(unasked.costed, undefined, 'not asked: not priced');
      t.equal(await store.tariffs.getCost('acme', 'CP1', 'tx3'), undefined);

      // 1.6: the start and the stop, priced in their writes.
      const start16 = await store.transactions.startTransaction16('acme', 'CP16', { connectorId: 1, idTag: 'TAG16', meterStart: 1000, timestamp: '2026-03-02T10:00:00Z' }, priced('2026-03-02T10:00:00Z'));
      t.match(start16, { costed: true, cost: { tariff: { id: 'fleet' }, assignedBy: 'default', final: false } });
      const stop16 = await store.transactions.applyTransactionEvent('acme', 'CP16', stopEvent16({ transactionId: start16.transaction.ocppTransactionId!, meterStop: 11000, timestamp: '2026-03-02T11:00:00Z' }), priced('2026-03-02T11:00:00Z'));
      t.match(stop16.cost, { final: true, totalInclTax: '3.00' }, '10 kWh × 0.30');
      t.match(await store.tariffs.getCost('acme', 'CP16', start16.transaction.id), { final: true, totalInclTax: '3.00' });
    });
  });
}
