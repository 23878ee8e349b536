import t, { type Test } from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { SiteAllocator, SITE_ALLOCATION, phasesInUse } from '../../actors/commands/site-allocator.js';
import type { StationCommands } from '../../actors/commands/station-commands.js';
import { busEvent, failedReply, resultReply, type BusEvent } from '../../core/envelope.js';
import type { Site } from '../../core/sites.js';
import type { TransactionRecord } from '../../core/transaction-types.js';

// The site allocator against a real SQLite site store, scripted active sessions and a scripted
// station-commands service: coalescing per site, one node per site (the lease), EV needs and
// phases as inputs, decreases before increases, pausing.

interface Sent {
  stationId: string;
  evseId: number;
  purpose: string;
  limit: number;
  transactionId?: string;
}

function fakeCommands(silent: Set<string> = new Set()) {
  const sent: Sent[] = [];
  const commands: Pick<StationCommands, 'run'> = {
    async run(_tenantId, stationId, _command, input) {
      const { evseId, profile } = input as unknown as { evseId: number; profile: { purpose: string; transactionId?: string; schedules: Array<{ periods: Array<{ limit: number }> }> } };
      if (silent.has(stationId)) return { reply: failedReply('timeout', 'no answer') };
      sent.push({ stationId, evseId, purpose: profile.purpose, limit: profile.schedules[0]!.periods[0]!.limit, transactionId: profile.transactionId });
      return { reply: resultReply({ status: 'Accepted' }), sent: { protocol: 'ocpp2.0.1', action: 'SetChargingProfile' } };
    },
  };
  return { commands, sent };
}

function site(limitA: number, stations: string[]): Site {
  const now = new Date().toISOString();
  return {
    tenantId: 't1', id: 's1', name: 's1', minA: 6, defaultMaxA: 32,
    nodes: [{ id: 'grid', parentId: null, limitA }],
    attachments: stations.map((stationId) => ({ stationId, evseId: 1, nodeId: 'grid', attachedAt: now })),
    lease: null, allocation: null, version: 0, createdAt: now, updatedAt: now,
  };
}

function sessions(active: Map<string, string>) {
  return {
    async listTransactions(_tenantId: string, query: { stationId?: string }) {
      const id = active.get(query.stationId!);
      const items = id ? [{ id, evseId: 1, startedAt: `2026-01-01T00:00:0${[...active.keys()].indexOf(query.stationId!)}.000Z` } as TransactionRecord] : [];
      return { items };
    },
  } as unknown as SqliteStore['transactions'];
}

async function setup(t: Test, limitA: number, stations: string[], options: { silent?: Set<string>; nodeId?: string; store?: SqliteStore } = {}) {
  const store = options.store ?? new SqliteStore({ path: ':memory:' });
  if (!options.store) {
    t.teardown(() => store.close());
    await store.sites.create(site(limitA, stations));
  }
  const active = new Map<string, string>();
  const { commands, sent } = fakeCommands(options.silent);
  const events: BusEvent[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const allocator = new SiteAllocator({
    store: { sites: store.sites, transactions: sessions(active) },
    commands, publish: (e) => events.push(e), nodeId: options.nodeId ?? 'n1', debounceMs: 5, tickMs: 0,
    log: { info: (obj, msg) => msg === 'site allocation' && logs.push(obj as Record<string, unknown>), warn: () => {} },
  });
  t.teardown(() => allocator.stop());
  const started = (stationId: string, txId: string) => {
    active.set(stationId, txId);
    allocator.onEvent(busEvent('transaction.started', 't1', stationId, { transactionId: txId, evseId: 1 }));
  };
  return { store, allocator, sent, events, logs, active, started };
}

t.test('events within the debounce window make one allocation; defaults first, then Tx profiles', async (t) => {
  const { allocator, sent, logs, started } = await setup(t, 60, ['A', 'B', 'C']);
  allocator.siteChanged('t1', 's1');
  started('A', 'tx-a');
  started('B', 'tx-b');
  started('C', 'tx-c');
  await new Promise((r) => setTimeout(r, 30));
  await allocator.settled();
  t.equal(logs.length, 1, 'one run for four wake-ups');
  t.same(sent.filter((s) => s.purpose === 'TxDefault').map((s) => [s.stationId, s.limit]), [['A', 20], ['B', 20], ['C', 20]]);
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit, s.transactionId]).sort(), [['A', 20, 'tx-a'], ['B', 20, 'tx-b'], ['C', 20, 'tx-c']]);
});

t.test('decreases go out before increases; a station that does not take its decrease is pinned', async (t) => {
  const silent = new Set<string>();
  const { allocator, sent, events, started, store } = await setup(t, 60, ['A', 'B', 'C'], { silent });
  started('A', 'tx-a');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => s.limit), [32]);
  sent.length = 0;
  started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  // 2 sessions: 30 each; A's decrease (32 → 30) is sent before B's first profile.
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]), [['A', 30], ['B', 30]]);
  sent.length = 0;
  silent.add('A');
  started('C', 'tx-c');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  // 3 sessions: 20 each, decreases first: B takes 20, A does not answer and is counted at the
  // 30 it holds, so B goes down again and only then C gets its first profile: B and C share 30.
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]), [['B', 20], ['B', 15], ['C', 15]]);
  const stored = (await store.sites.get('t1', 's1'))!;
  t.same(stored.allocation!.sessions.map((s) => [s.stationId, s.limitA]), [['A', 30], ['B', 15], ['C', 15]]);
  t.same(stored.allocation!.nodeLoad.grid, { L1: 60, L2: 60, L3: 60 });
  t.match(events.filter((e) => e.type === SITE_ALLOCATION && e.stationId === 'C').at(-1)?.payload, { siteId: 's1', limitA: 15, paused: false, pinned: false });
});

t.test('below the sum of minimums the newest sessions are paused at 0 A', async (t) => {
  const { allocator, sent, events, started } = await setup(t, 10, ['A', 'B']);
  started('A', 'tx-a');
  started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]).sort(), [['A', 10], ['B', 0]]);
  t.match(events.find((e) => e.type === SITE_ALLOCATION && e.stationId === 'B')?.payload, { limitA: 0, paused: true });
});

t.test('a session that leaves the allocation is published with ended: true, so followers of the live load see it drop', async (t) => {
  const { allocator, events, started, active, store } = await setup(t, 60, ['A', 'B']);
  started('A', 'tx-a');
  started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.notOk(events.some((e) => e.type === SITE_ALLOCATION && e.payload.ended), 'nothing ended yet');
  active.delete('B');
  allocator.onEvent(busEvent('transaction.ended', 't1', 'B', { transactionId: 'tx-b', evseId: 1 }));
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  const ended = events.filter((e) => e.type === SITE_ALLOCATION && e.payload.ended);
  t.equal(ended.length, 1, 'one event for the one session that left');
  t.match(ended[0], { stationId: 'B', payload: { siteId: 's1', transactionId: 'tx-b', limitA: 0, previousLimitA: 30, ended: true } });
  t.same((await store.sites.get('t1', 's1'))!.allocation!.sessions.map((s) => s.stationId), ['A'], 'the stored allocation no longer has it');
});

t.test('EV charging needs cap a session; single-phase use frees the other phases', async (t) => {
  const { allocator, sent, started } = await setup(t, 40, ['A', 'B']);
  allocator.onEvent(busEvent('ev.charging-needs', 't1', 'A', { evseId: 1, chargingNeeds: { acChargingParameters: { evMaxCurrent: 10 } } }));
  started('A', 'tx-a');
  started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]).sort(), [['A', 10], ['B', 30]]);
  sent.length = 0;
  // B turns out to charge on L1 only; A is three-phase and capped at 10: B may take 30 on L1 (40 − 10).
  allocator.onEvent(busEvent('meter.values', 't1', 'B', { transactionId: 'tx-b', evseId: 1, meterValue: [{ timestamp: 'x', sampledValue: [{ measurand: 'Current.Import', phase: 'L1', value: 16 }, { measurand: 'Current.Import', phase: 'L2', value: 0 }] }] }));
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent, [], 'nothing changes: B still gets 30 (its share on L1)');
});

t.test('one node per site: a valid lease of another node means no allocation here', async (t) => {
  const first = await setup(t, 60, ['A'], { nodeId: 'n1' });
  const second = await setup(t, 60, ['A'], { nodeId: 'n2', store: first.store });
  first.started('A', 'tx-a');
  await new Promise((r) => setTimeout(r, 20));
  await first.allocator.settled();
  t.equal((await first.store.sites.get('t1', 's1'))!.lease?.nodeId, 'n1');
  second.started('A', 'tx-a');
  await new Promise((r) => setTimeout(r, 20));
  await second.allocator.settled();
  t.same(second.sent, [], 'n2 sends nothing while n1 holds the lease');
  t.ok(first.sent.length > 0);
  // n1 stops: it hands the lease back and n2 takes over on its next wake-up.
  await first.allocator.stop();
  t.equal((await first.store.sites.get('t1', 's1'))!.lease, null);
  second.allocator.siteChanged('t1', 's1');
  await new Promise((r) => setTimeout(r, 20));
  await second.allocator.settled();
  t.equal((await first.store.sites.get('t1', 's1'))!.lease?.nodeId, 'n2');
  t.ok(second.sent.some((s) => s.purpose === 'TxDefault'), 'n2 sends the defaults it has not sent');
});

t.test('phasesInUse reads per-phase Current.Import', async (t) => {
  t.same(phasesInUse([{ sampledValue: [{ measurand: 'Current.Import', phase: 'L1-N', value: 10 }, { measurand: 'Current.Import', phase: 'L2', value: 0.2 }] }]), ['L1']);
  t.equal(phasesInUse([{ sampledValue: [{ measurand: 'Energy.Active.Import.Register', phase: null, value: 10 }] }]), undefined);
});

t.test('an external limit (NotifyChargingLimit) caps its EVSE until cleared', async (t) => {
  const { allocator, sent, started } = await setup(t, 60, ['A', 'B']);
  allocator.onEvent(busEvent('charging-limit.set', 't1', 'A', { type: 'EMS', evseId: 1, chargingSchedule: [{ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6900 }] }] }));
  started('A', 'tx-a');
  started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]).sort(), [['A', 10], ['B', 32]], '6900 W over 3 × 230 V = 10 A');
  sent.length = 0;
  allocator.onEvent(busEvent('charging-limit.cleared', 't1', 'A', { type: 'EMS', evseId: 1 }));
  await new Promise((r) => setTimeout(r, 20));
  await allocator.settled();
  t.same(sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]), [['B', 30], ['A', 30]], 'cleared: an equal share again, the decrease of B first');
});

t.test('a node taking over knows what sessions hold from the stored allocation', async (t) => {
  const first = await setup(t, 60, ['A', 'B'], { nodeId: 'n1' });
  first.started('A', 'tx-a');
  await new Promise((r) => setTimeout(r, 20));
  await first.allocator.settled();
  t.same(first.sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]), [['A', 32]]);
  await first.allocator.stop();
  // n2 takes over; A no longer answers. A holds 32 (not its 30 A default): B may have only 28.
  const second = await setup(t, 60, ['A', 'B'], { nodeId: 'n2', store: first.store, silent: new Set(['A']) });
  second.active.set('A', 'tx-a');
  second.started('B', 'tx-b');
  await new Promise((r) => setTimeout(r, 20));
  await second.allocator.settled();
  t.same(second.sent.filter((s) => s.purpose === 'Tx').map((s) => [s.stationId, s.limit]), [['B', 28]]);
  const stored = (await first.store.sites.get('t1', 's1'))!;
  t.same(stored.allocation!.nodeLoad.grid, { L1: 60, L2: 60, L3: 60 }, 'never above the limit');
});
