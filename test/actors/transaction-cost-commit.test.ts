import t, { type Test } from 'tap';
import type { HandlerContext } from '../../actors/handler-context.js';
import { startTransaction } from '../../actors/actions/ocpp16/start-transaction.js';
import { stopTransaction } from '../../actors/actions/ocpp16/stop-transaction.js';
import { transactionEvent } from '../../actors/actions/ocpp2/transaction-event.js';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';

// Issue #13: a transaction message with a tariff costs one commit, not two. The handler asks the
// store to price the transaction inside the write that stores the message
// (core/transaction-costing.ts), so the cost commits with the transaction; commits are counted
// with the store's own onCommit hook (an idle store commits each write on its own turn, so a
// second write after the first would show as a second commit).

const AT = '2026-03-02T10:00:00.000Z';

async function context(t: Test, version: OcppVersion, priced: boolean) {
  const commits: number[] = [];
  const store = new SqliteStore({ path: ':memory:', onCommit: (writes) => commits.push(writes) });
  t.teardown(() => store.close());
  const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
  const ctx: Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'> = {
    session: { tenantId: 'ten', stationId: 'CS', version },
    store,
    events: { emit: (type, _session, payload) => events.push({ type, payload }) },
    clock: () => new Date(AT),
    settings: { heartbeatIntervalSec: 60 },
  };
  await store.tokens.putIdToken({ tenantId: 'ten', idToken: 'CARD', type: 'ISO14443', status: 'Accepted', expiresAt: null, groupId: null, source: 'api' });
  if (priced) {
    const tariff: TariffRecord = { tenantId: 'ten', id: 'flat', currency: 'EUR', taxPercent: '20', sessionFee: '0.50', prices: { energy: '0.40' }, createdAt: AT, updatedAt: AT };
    await store.tariffs.putTariff(tariff);
    await store.tariffs.putAssignment({ tenantId: 'ten', target: { kind: 'default' }, tariffId: 'flat', updatedAt: AT });
  }
  const writes = { putCost: 0 };
  const putCost = store.tariffs.putCost.bind(store.tariffs);
  store.tariffs.putCost = (cost) => (writes.putCost++, putCost(cost));
  /** Commits while `run` ran. */
  const counted = async <T>(run: () => Promise<T>): Promise<{ result: T; commits: number }> => {
    await store.flush();
    const before = commits.length;
    const result = await run();
    return { result, commits: commits.length - before };
  };
  return { ctx, store, events, writes, counted };
}

const kwh = (at: string, value: number) => [{ timestamp: at, sampledValue: [{ value, unitOfMeasure: { unit: 'kWh' } }] }];

for (const priced of [true, false]) {
  t.test(`2.x TransactionEvent, ${priced ? 'a tariff applies' : 'no tariff in the tenant'}: one commit per message`, async (t) => {
    const { ctx, store, events, writes, counted } = await context(t, 'ocpp2.0.1', priced);
    const ev = (seqNo: number, eventType: 'Started' | 'Updated' | 'Ended', at: string, value: number) => ({
      eventType, timestamp: at, triggerReason: 'MeterValuePeriodic', seqNo, transactionInfo: { transactionId: 'TX1' },
      ...(eventType === 'Started' ? { idToken: { idToken: 'CARD', type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } } : {}),
      meterValue: kwh(at, value),
    });
    const started = await counted(() => transactionEvent(ctx, ev(0, 'Started', '2026-03-02T10:00:00Z', 10) as never));
    t.equal(started.commits, 1, 'Started: one commit');
    const updated = await counted(() => transactionEvent(ctx, ev(1, 'Updated', '2026-03-02T10:30:00Z', 15) as never));
    t.equal(updated.commits, 1, 'Updated: one commit');
    const ended = await counted(() => transactionEvent(ctx, ev(2, 'Ended', '2026-03-02T11:00:00Z', 20) as never));
    t.equal(ended.commits, 1, 'Ended: one commit');
    t.equal(writes.putCost, 0, 'no cost write of its own');
    if (priced) {
      // 5 kWh × 0.40 + 0.50 = 2.50, +20 % = 3.00; 10 kWh: 4.50, +20 % = 5.40.
      t.match(updated.result, { totalCost: 3 });
      t.match(ended.result, { totalCost: 5.4 });
      t.match(await store.tariffs.getCost('ten', 'CS', 'TX1'), { final: true, totalInclTax: '5.40' }, 'kept beside the transaction');
      t.match(events.filter((e) => e.type === 'cost.updated').map((e) => e.payload), [{ cost: { totalInclTax: '0.60' } }, { cost: { totalInclTax: '3.00' } }], 'cost.updated for the running ones');
      t.match(events.find((e) => e.type === 'transaction.ended')!.payload, { cost: { final: true, totalInclTax: '5.40' } });
      const again = await counted(() => transactionEvent(ctx, ev(1, 'Updated', '2026-03-02T10:30:00Z', 15) as never));
      t.match(again.result, { totalCost: 5.4 }, 'a redelivered message answers the kept cost');
      t.equal(events.filter((e) => e.type === 'cost.updated').length, 2, 'and publishes nothing');
    } else {
      t.equal((updated.result as { totalCost?: number }).totalCost, undefined, 'no tariff, no cost');
      t.equal(await store.tariffs.getCost('ten', 'CS', 'TX1'), undefined);
    }
  });
}

t.test('1.6 Start/StopTransaction with a tariff: one commit each', async (t) => {
  const { ctx, store, events, writes, counted } = await context(t, 'ocpp1.6', true);
  const start = await counted(() => startTransaction(ctx, { connectorId: 1, idTag: 'CARD', meterStart: 1000, timestamp: '2026-03-02T10:00:00Z' }));
  t.equal(start.commits, 1);
  const stop = await counted(() => stopTransaction(ctx, { transactionId: start.result.transactionId, meterStop: 6000, timestamp: '2026-03-02T11:00:00Z' }));
  t.equal(stop.commits, 1);
  t.equal(writes.putCost, 0);
  t.match(await store.tariffs.getCost('ten', 'CS', String(start.result.transactionId)), { final: true, totalInclTax: '3.00' }, '5 kWh × 0.40 + 0.50, +20 %');
  t.match(events.find((e) => e.type === 'transaction.ended')!.payload, { cost: { totalInclTax: '3.00' } });
});
