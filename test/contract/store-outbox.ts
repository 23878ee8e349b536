import type { Test } from 'tap';
import { busEvent, type BusEvent } from '../../core/envelope.js';
import type { Store } from '../../core/ports/store/store.js';
import type { TransactionOutcome, TransactionWriteOptions } from '../../core/ports/store/transaction-store.js';
import { transactionEventFrom2, type TransactionEventRequest } from '../../core/transaction-mapping-2.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';
import type { StoreContractOptions } from './store.js';

const AT = '2026-03-02T10:00:00.000Z';

function txEvent(txId: string, seqNo: number, eventType: TransactionEventRequest['eventType'], at: string, kwh: number) {
  return transactionEventFrom2('ocpp2.0.1', {
    eventType,
    timestamp: at,
    triggerReason: 'Updated',
    seqNo,
    transactionInfo: { transactionId: txId },
    ...(eventType === 'Started' ? { idToken: { idToken: 'CARD', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } } : {}),
    meterValue: [{ timestamp: at, sampledValue: [{ value: kwh, unitOfMeasure: { unit: 'kWh' } }] }],
  } as TransactionEventRequest);
}

/**
 * The event outbox slice (`store.outbox`): events come back in the order they were appended,
 * per owner, unchanged (id included), survive a reopen, and go only when removed. A transaction
 * message's write with `TransactionWriteOptions.events` keeps its events in the same transaction
 * as its data: both or neither (`transactionEventsInWrite: false` for an adapter that cannot, MongoDB).
 */
export function outboxStoreContract(t: Test, name: string, options: StoreContractOptions & { transactionEventsInWrite?: false }): void {
  async function fresh(tt: Test): Promise<Store> {
    const store = await options.open();
    tt.teardown(() => store.close().catch(() => {}));
    return store;
  }
  const event = (n: number) => busEvent('transaction.updated', 't1', 'CS1', { n }, new Date(Date.UTC(2026, 0, 1, 0, 0, n)));

  t.test(`${name}: outbox store contract`, async (t) => {
    t.test('appended events come back in order, per owner, unchanged', async (t) => {
      const store = await fresh(t);
      const first = [event(1), event(2), event(3)];
      await Promise.all([store.outbox.appendEvents('node-a', first), store.outbox.appendEvents('node-b', [event(9)]), store.outbox.appendEvents('node-a', [event(4)])]);
      const pending = await store.outbox.pendingEvents('node-a', 10);
      t.same(pending.map((r) => (r.event.payload as { n: number }).n), [1, 2, 3, 4], 'append order');
      t.same(pending[0]!.event, first[0], 'the event as appended, id and CloudEvents attributes included');
      t.ok(pending.every((r, i) => i === 0 || r.seq > pending[i - 1]!.seq), 'seq grows');
      t.equal(await store.outbox.countEvents('node-a'), 4);
      t.same((await store.outbox.pendingEvents('node-b', 10)).map((r) => r.event.id), [(await store.outbox.pendingEvents('node-b', 1))[0]!.event.id]);
      t.same((await store.outbox.pendingEvents('node-a', 2)).map((r) => (r.event.payload as { n: number }).n), [1, 2], 'limit');
    });

    t.test('removal through a seq leaves the rest, and other owners alone', async (t) => {
      const store = await fresh(t);
      await store.outbox.appendEvents('node-a', [event(1), event(2), event(3)]);
      await store.outbox.appendEvents('node-b', [event(7)]);
      const pending = await store.outbox.pendingEvents('node-a', 10);
      await store.outbox.removeEvents('node-a', pending[1]!.seq);
      t.same((await store.outbox.pendingEvents('node-a', 10)).map((r) => (r.event.payload as { n: number }).n), [3]);
      t.equal(await store.outbox.countEvents('node-a'), 1);
      t.equal(await store.outbox.countEvents('node-b'), 1, 'another owner keeps its events');
      await store.outbox.appendEvents('node-a', [event(4)]);
      const after = await store.outbox.pendingEvents('node-a', 10);
      t.ok(after[1]!.seq > pending[2]!.seq, 'a later append sorts after what was there');
    });

    /** An events option whose build records the outcomes it saw; `fail` makes it throw. */
    const eventsOption = (seen: TransactionOutcome[], make: (o: TransactionOutcome) => BusEvent[] = (o) => (o.duplicate ? [] : [busEvent('transaction.updated', 't1', 'CS1', { transactionId: o.transaction.id, cost: o.cost?.totalInclTax ?? null })])): TransactionWriteOptions => ({
      events: { owner: 'node-a', build: (o) => (seen.push(o), make(o)) },
    });

    const boot = { vendor: 'V', model: 'M', protocol: 'ocpp2.0.1' as const, reason: 'PowerUp', at: AT };
    const booted = () => [busEvent('station.booted', 't1', 'CS1', { ...boot })];

    if (options.transactionEventsInWrite === false) {
      t.test('transaction writes and boots leave their events to the caller (no eventsWritten)', async (t) => {
        const store = await fresh(t);
        const outcome = await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 0, 'Started', AT, 10), eventsOption([]));
        t.equal(outcome.eventsWritten, undefined);
        t.equal(await store.stations.recordBoot('t1', 'CS1', boot, { owner: 'node-a', build: booted }), undefined);
        t.equal(await store.outbox.countEvents('node-a'), 0);
      });
    } else {
      t.test('the stale sweep keeps its closes and their events together, or neither', async (t) => {
        const store = await fresh(t);
        await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('OLD', 0, 'Started', AT, 10));
        const later = new Date(Date.now() + 60_000).toISOString();
        const failing = { owner: 'node-a', build: (): BusEvent[] => { throw new Error('events not built'); } };
        await t.rejects(store.transactions.closeStaleTransactions(later, 10, failing), /events not built/);
        t.match(await store.transactions.getTransaction('t1', 'OLD', 'CS1'), { isActive: true }, 'a failed sweep closed nothing');
        const closed = await store.transactions.closeStaleTransactions(later, 10, {
          owner: 'node-a',
          build: (records) => records.map((r) => busEvent('transaction.ended', r.tenantId, r.stationId, { transactionId: r.id })),
        });
        t.same(closed.map((r) => r.id), ['OLD']);
        t.match(await store.transactions.getTransaction('t1', 'OLD', 'CS1'), { isActive: false });
        t.match((await store.outbox.pendingEvents('node-a', 10)).map((r) => r.event), [{ type: 'transaction.ended', payload: { transactionId: 'OLD' } }], 'its event with it');
      });

      t.test('a boot keeps its events in the same transaction, or neither is kept', async (t) => {
        const store = await fresh(t);
        await t.rejects(
          store.stations.recordBoot('t1', 'CS1', boot, {
            owner: 'node-a',
            build: () => {
              throw new Error('events not built');
            },
          }),
          /events not built/,
        );
        t.equal(await store.stations.getStation('t1', 'CS1'), undefined, 'the failed boot registered nothing');
        t.same(await store.stations.recordBoot('t1', 'CS1', boot, { owner: 'node-a', build: booted }), { eventsWritten: true });
        t.match(await store.stations.getStation('t1', 'CS1'), { vendor: 'V', model: 'M' }, 'the boot');
        t.match((await store.outbox.pendingEvents('node-a', 10)).map((r) => r.event), [{ type: 'station.booted', payload: { vendor: 'V' } }], 'and its event');
        t.equal(await store.stations.recordBoot('t1', 'CS1', boot), undefined, 'without events: nothing to say');
      });

      t.test('a transaction write keeps its events in the same transaction: data and outbox rows together', async (t) => {
        const store = await fresh(t);
        const tariff: TariffRecord = { tenantId: 't1', id: 'flat', currency: 'EUR', taxPercent: '20', sessionFee: '0.50', prices: { energy: '0.40' }, createdAt: AT, updatedAt: AT };
        await store.tariffs.putTariff(tariff);
        await store.tariffs.putAssignment({ tenantId: 't1', target: { kind: 'default' }, tariffId: 'flat', updatedAt: AT });
        const seen: TransactionOutcome[] = [];
        const cost = (at: string) => ({ cost: { at, computedAt: AT } });
        const started = await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 0, 'Started', AT, 10), { ...cost(AT), ...eventsOption(seen) });
        t.equal(started.eventsWritten, true, 'the write says it kept them');
        const later = '2026-03-02T10:30:00.000Z';
        const updated = await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 1, 'Updated', later, 15), { ...cost(later), ...eventsOption(seen) });
        t.equal(updated.eventsWritten, true);
        t.equal(seen[1]!.costed, true, 'built after the cost step of the same write');
        t.equal(seen[1]!.cost?.totalInclTax, '3.00', 'so the events carry the cost: 5 kWh × 0.40 + 0.50, +20 %');
        const rows = await store.outbox.pendingEvents('node-a', 10);
        t.same(rows.map((r) => r.event.payload), [{ transactionId: 'TX1', cost: '0.60' }, { transactionId: 'TX1', cost: '3.00' }], 'one outbox row per write, in order');
        t.match(await store.transactions.getTransaction('t1', 'TX1', 'CS1'), { id: 'TX1', isActive: true }, 'and the data');
        const again = await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 1, 'Updated', later, 15), eventsOption(seen));
        t.equal(again.duplicate, true);
        t.equal(seen[2]!.duplicate, true, 'a redelivery builds from a duplicate outcome');
        t.equal(await store.outbox.countEvents('node-a'), 2, 'which yields no events');
        const start16 = await store.transactions.startTransaction16('t1', 'CS2', { connectorId: 1, idTag: 'CARD', meterStart: 0, timestamp: AT }, eventsOption(seen));
        t.equal(start16.eventsWritten, true, '1.6 StartTransaction too');
        t.same((await store.outbox.pendingEvents('node-a', 10)).map((r) => r.event.payload.transactionId), ['TX1', 'TX1', start16.transaction.id]);
      });

      t.test('when the outbox part fails, the transaction data is not committed either', async (t) => {
        const store = await fresh(t);
        const failing = eventsOption([], () => {
          throw new Error('events not built');
        });
        await t.rejects(store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 0, 'Started', AT, 10), failing), /events not built/, 'the write rejects');
        t.equal(await store.transactions.getTransaction('t1', 'TX1', 'CS1'), undefined, 'no transaction');
        t.same(await store.transactions.listMeterValues('t1', 'CS1', 'TX1'), [], 'no meter values');
        // The outbox insert itself fails: an event that cannot be stored (JSON.stringify throws on a BigInt).
        const unstorable = eventsOption([], () => [busEvent('transaction.started', 't1', 'CS1', { n: BigInt(1) })]);
        await t.rejects(store.transactions.startTransaction16('t1', 'CS1', { connectorId: 1, idTag: 'CARD', meterStart: 0, timestamp: AT }, unstorable), 'the 1.6 start rejects');
        t.same((await store.transactions.listTransactions('t1', { limit: 10 })).items, [], 'no 1.6 transaction');
        t.equal(await store.outbox.countEvents('node-a'), 0, 'no outbox rows');
        // Nothing was half-kept: the same message written again now is new, and keeps both.
        const retried = await store.transactions.applyTransactionEvent('t1', 'CS1', txEvent('TX1', 0, 'Started', AT, 10), eventsOption([]));
        t.equal(retried.duplicate, false, 'the retry is not a duplicate');
        t.equal(await store.outbox.countEvents('node-a'), 1);
      });
    }

    if (options.reopen) {
      const reopen = options.reopen;
      t.test('appended events survive a reopen', async (t) => {
        const store = await options.open();
        const events = [event(1), event(2)];
        await store.outbox.appendEvents('node-a', events);
        await store.close();
        const again = await reopen(store);
        t.teardown(() => again.close().catch(() => {}));
        t.same((await again.outbox.pendingEvents('node-a', 10)).map((r) => r.event.id), events.map((e) => e.id));
      });
    }
  });
}
