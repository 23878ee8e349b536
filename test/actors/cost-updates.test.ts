import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import type { BusEvent } from '../../core/envelope.js';
import { resultReply } from '../../core/envelope.js';
import type { HandlerContext } from '../../actors/handler-context.js';
import { transactionEvent } from '../../actors/actions/ocpp2/transaction-event.js';
import { sweepCosts } from '../../actors/commands/cost-updates.js';
import type { StationCommands } from '../../actors/commands/station-commands.js';

// The cost sweep (CSMS_COST_UPDATE_INTERVAL_SEC) against a real store and the real 2.x handler:
// running costs of held stations recomputed up to now and sent as CostUpdated; a transaction the
// CSMS closed (a ghost) gets its final cost; stations held elsewhere are left to their node.

const T = (min: number) => new Date(Date.parse('2026-11-02T17:00:00.000Z') + min * 60_000).toISOString();
const register = (wh: number) => ({ value: wh, measurand: 'Energy.Active.Import.Register' });

t.test('sweep: CostUpdated for held 2.x stations, final cost for CSMS-closed transactions, others untouched', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.tariffs.putTariff({ tenantId: 'ten', id: 'std', currency: 'EUR', taxPercent: '20', prices: { energy: '0.30', idleTime: '6.00' }, createdAt: T(0), updatedAt: T(0) });
  await store.tariffs.putAssignment({ tenantId: 'ten', target: { kind: 'default' }, tariffId: 'std', updatedAt: T(0) });
  const emitted: string[] = [];
  const ctx = (stationId: string): Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'settings'> => ({
    session: { tenantId: 'ten', stationId, version: 'ocpp2.0.1' },
    store,
    events: { emit: (type) => emitted.push(type) },
    clock: () => new Date(T(0)),
    settings: { heartbeatIntervalSec: 60 },
  });
  const tx = (stationId: string, transactionId: string, eventType: 'Started' | 'Updated', seqNo: number, min: number, wh: number) =>
    transactionEvent(ctx(stationId), {
      eventType, seqNo, timestamp: T(min), triggerReason: 'MeterValuePeriodic', transactionInfo: { transactionId }, evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: T(min), sampledValue: [register(wh)] }],
    } as never);

  await tx('CS1', 'a', 'Started', 0, 0, 0);
  t.same(await tx('CS1', 'a', 'Updated', 1, 30, 10000), { totalCost: 3.6 }, '10 kWh at 0.30 + 20 %');
  await tx('CS2', 'ghost', 'Started', 0, 0, 0);
  await tx('CS2', 'ghost', 'Updated', 1, 30, 4000);
  await tx('CS2', 'next', 'Started', 0, 60, 4000); // a new transaction on the same EVSE: the store closes the ghost
  t.equal((await store.transactions.getTransaction('ten', 'ghost', 'CS2'))!.isActive, false, 'the ghost was closed by the CSMS');
  t.equal((await store.tariffs.getCost('ten', 'CS2', 'ghost'))!.final, false, 'its cost still running: no station message ended it');

  const runs: Array<{ stationId: string; input: unknown }> = [];
  const commands: Pick<StationCommands, 'run'> = {
    run: (async (_tenantId: string, stationId: string, _command: unknown, input: unknown) => {
      runs.push({ stationId, input });
      return { reply: resultReply({}), sent: { protocol: 'ocpp2.0.1', action: 'CostUpdated' } };
    }) as StationCommands['run'],
  };
  const published: BusEvent[] = [];
  const result = await sweepCosts({ store, commands, holds: (id) => id === 'CS1', publish: (e) => published.push(e), clock: () => new Date(T(120)) });
  t.same(result, { updated: 1, sent: 1, finalized: 1 });
  // Up to 19:00: 3.00 energy + idle from 17:30 to 19:00 (no grace) 1.5 h at 6.00 = 9.00 → 12.00 + 2.40.
  t.same(runs, [{ stationId: 'CS1', input: { transactionId: 'a', totalCost: '14.40' } }], 'CostUpdated only to the held station');
  t.match(await store.tariffs.getCost('ten', 'CS1', 'a'), { final: false, totalInclTax: '14.40', until: T(120) });
  const ghost = await store.tariffs.getCost('ten', 'CS2', 'ghost');
  t.match(ghost, { final: true }, 'the ghost’s cost is final');
  t.equal(ghost!.until, (await store.transactions.getTransaction('ten', 'ghost', 'CS2'))!.endedAt, 'up to where the CSMS closed it');
  t.match((await store.tariffs.getCost('ten', 'CS2', 'next'))!, { final: false, until: T(60) }, 'a station held elsewhere is left to its node');
  t.same(published.map((e) => `${e.type}:${e.stationId}:${(e.payload as { transactionId: string }).transactionId}`).sort(), ['cost.updated:CS1:a', 'cost.updated:CS2:ghost']);
  t.ok(emitted.includes('cost.updated'), 'the handler published running costs too');
});
