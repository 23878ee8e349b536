import t, { type Test } from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { SiteAllocator } from '../../actors/commands/site-allocator.js';
import type { StationCommands } from '../../actors/commands/station-commands.js';
import { busEvent, resultReply } from '../../core/envelope.js';
import type { Site, SiteAttachment } from '../../core/sites.js';
import type { TransactionRecord } from '../../core/transaction-types.js';

// The site allocator's smart-charging inputs (issue #13): EV needs with energy and departure time,
// profiles in W (a station configured for W, DC sessions), priorities per id token and group,
// and a TxProfile sent again when the EV's schedule violated it. Real SQLite site and token
// stores; scripted sessions and station-commands service; a fixed clock.

const NOW = new Date('2026-01-01T10:00:00.000Z');

interface Sent {
  stationId: string;
  purpose: string;
  unit: string;
  limit: number;
  numberPhases?: number;
  transactionId?: string;
}

async function setup(t: Test, limitA: number, attachments: Array<Partial<SiteAttachment> & { stationId: string }>, siteExtra: Partial<Site> = {}) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  await store.sites.create({
    tenantId: 't1', id: 's1', name: 's1', minA: 6, defaultMaxA: 32, ...siteExtra,
    nodes: [{ id: 'grid', parentId: null, limitA }],
    attachments: attachments.map((a) => ({ evseId: 1, nodeId: 'grid', attachedAt: NOW.toISOString(), ...a })),
    lease: null, allocation: null, version: 0, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
  });
  const sent: Sent[] = [];
  const commands: Pick<StationCommands, 'run'> = {
    async run(_tenantId, stationId, _command, input) {
      const { profile } = input as unknown as { profile: { purpose: string; transactionId?: string; schedules: Array<{ unit: string; periods: Array<{ limit: number; numberPhases?: number }> }> } };
      const s = profile.schedules[0]!;
      sent.push({ stationId, purpose: profile.purpose, unit: s.unit, limit: s.periods[0]!.limit, ...(s.periods[0]!.numberPhases ? { numberPhases: s.periods[0]!.numberPhases } : {}), transactionId: profile.transactionId });
      return { reply: resultReply({ status: 'Accepted' }), sent: { protocol: 'ocpp2.0.1', action: 'SetChargingProfile' } };
    },
  };
  const active = new Map<string, { id: string; idToken?: string; startedAt: string; totalKwh?: number }>();
  const transactions = {
    async listTransactions(_tenantId: string, query: { stationId?: string }) {
      const tx = active.get(query.stationId!);
      return { items: tx ? [{ id: tx.id, evseId: 1, startedAt: tx.startedAt, totalKwh: tx.totalKwh ?? 0, idToken: tx.idToken ? { idToken: tx.idToken, type: 'ISO14443' } : null } as unknown as TransactionRecord] : [] };
    },
  } as unknown as SqliteStore['transactions'];
  const allocator = new SiteAllocator({
    store: { sites: store.sites, transactions, tokens: store.tokens, deviceModel: store.deviceModel },
    commands, publish: () => {}, nodeId: 'n1', debounceMs: 5, tickMs: 0, clock: () => NOW,
  });
  t.teardown(() => allocator.stop());
  let n = 0;
  const started = (stationId: string, txId: string, idToken?: string) => {
    active.set(stationId, { id: txId, startedAt: `2026-01-01T09:00:0${n++}.000Z`, ...(idToken ? { idToken } : {}) });
    allocator.onEvent(busEvent('transaction.started', 't1', stationId, { transactionId: txId, evseId: 1 }));
  };
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 20));
    await allocator.settled();
  };
  const tx = (stationId?: string) => sent.filter((s) => s.purpose === 'Tx' && (stationId === undefined || s.stationId === stationId));
  return { store, allocator, sent, started, settle, tx, active };
}

t.test('energy and departure: the session asks for what delivers the energy in time, the rest goes to others', async (t) => {
  const { allocator, started, settle, tx } = await setup(t, 40, [{ stationId: 'A' }, { stationId: 'B' }]);
  started('A', 'tx-a');
  started('B', 'tx-b');
  await settle();
  t.same(tx().map((s) => [s.stationId, s.limit]).sort(), [['A', 20], ['B', 20]]);
  // A's EV needs 13.8 kWh in 2 h: 10 A on three phases at 230 V. B may take 30.
  allocator.onEvent(busEvent('ev.charging-needs', 't1', 'A', {
    type: 'Accepted', evseId: 1,
    chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime: '2026-01-01T12:00:00.000Z', acChargingParameters: { energyAmount: 13800, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } },
  }));
  await settle();
  t.same(tx('A').at(-1), { stationId: 'A', purpose: 'Tx', unit: 'A', limit: 10, transactionId: 'tx-a' });
  t.equal(tx('B').at(-1)!.limit, 30);
  // Needing more than the site can give: the share (an equal split), never above it.
  allocator.onEvent(busEvent('ev.charging-needs', 't1', 'A', {
    type: 'Accepted', evseId: 1,
    chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime: '2026-01-01T11:00:00.000Z', acChargingParameters: { energyAmount: 27600, evMinCurrent: 6, evMaxCurrent: 63, evMaxVoltage: 400 } },
  }));
  await settle();
  t.equal(tx('A').at(-1)!.limit, 20, '40 A needed, 20 A is its share');
  t.equal(tx('B').at(-1)!.limit, 20);
});

t.test('a station configured for W gets its profiles in W at the site voltage; a DC session in W over three phases', async (t) => {
  const { allocator, sent, started, settle, tx } = await setup(t, 60, [{ stationId: 'W3', chargingRateUnit: 'W' }, { stationId: 'W1', chargingRateUnit: 'W', phases: 1 }, { stationId: 'DC' }], { voltage: 240 });
  started('W3', 'tx-w3');
  await settle();
  // Defaults: 60 A / 3 = 20 A; W3: 20 × 240 × 3 = 14400 W; W1: 20 × 240 = 4800 W (numberPhases 1); DC station in A.
  t.same(sent.filter((s) => s.purpose === 'TxDefault').map((s) => [s.stationId, s.unit, s.limit, s.numberPhases]).sort(), [['DC', 'A', 20, undefined], ['W1', 'W', 4800, 1], ['W3', 'W', 14400, undefined]]);
  t.same(tx('W3').at(-1), { stationId: 'W3', purpose: 'Tx', unit: 'W', limit: 32 * 720, transactionId: 'tx-w3' });
  allocator.onEvent(busEvent('ev.charging-needs', 't1', 'DC', { type: 'Accepted', evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 100, evMaxVoltage: 400, evMaxPower: 14400 } } }));
  started('DC', 'tx-dc');
  await settle();
  // DC: 14400 W = 20 A per phase (at 240 V × 3) on the grid side; sent in W. W3 keeps the rest (32 A, its rating).
  t.same(tx('DC').at(-1), { stationId: 'DC', purpose: 'Tx', unit: 'W', limit: 14400, transactionId: 'tx-dc' });
  t.equal(tx('W3').at(-1)!.limit, 32 * 720);
});

t.test('priorities per id token and per group override the attachment order', async (t) => {
  const { store, started, settle, tx } = await setup(t, 12, [{ stationId: 'A' }, { stationId: 'B' }, { stationId: 'C' }]);
  const token = (idToken: string, extra: object) => store.tokens.putIdToken({ tenantId: 't1', idToken, type: 'ISO14443', status: 'Accepted', expiresAt: null, groupId: null, source: 'api', ...extra });
  await token('PLAIN', {});
  await token('VIP', { priority: 10 });
  await token('FLEET', { priority: 5 });
  await token('DRIVER', { groupId: 'FLEET' });
  t.equal((await store.tokens.findIdToken('t1', 'VIP'))!.priority, 10, 'stored');
  t.equal((await store.tokens.findIdToken('t1', 'PLAIN'))!.priority, undefined);
  // 12 A fit two minimums (6 A): A started first with no priority, B with a group priority, C with its own.
  started('A', 'tx-a', 'PLAIN');
  started('B', 'tx-b', 'DRIVER');
  started('C', 'tx-c', 'vip');
  await settle();
  t.same(
    ['A', 'B', 'C'].map((id) => [id, tx(id).at(-1)?.limit]),
    [['A', 0], ['B', 6], ['C', 6]],
    'the earliest session is paused: the token priority (10) and the group priority (5) come first',
  );
});

t.test('an EV schedule that violated the profile makes the allocator send the TxProfile again', async (t) => {
  const { allocator, started, settle, tx } = await setup(t, 32, [{ stationId: 'A' }]);
  started('A', 'tx-a');
  await settle();
  t.equal(tx('A').length, 1);
  allocator.onEvent(busEvent('ev.charging-schedule', 't1', 'A', { type: 'Accepted', evseId: 1, violations: [] }));
  await settle();
  t.equal(tx('A').length, 1, 'a schedule within the profile changes nothing');
  allocator.onEvent(busEvent('ev.charging-schedule', 't1', 'A', { type: 'Rejected', evseId: 1, violations: [{ period: 0, startPeriod: 0, evA: 40, allowedA: 32 }] }));
  await settle();
  t.equal(tx('A').length, 2, 'sent again');
  t.same(tx('A')[1], tx('A')[0], 'the same profile');
});

t.test('an external limit in W is converted at the site voltage', async (t) => {
  const { allocator, started, settle, tx } = await setup(t, 60, [{ stationId: 'A' }], { voltage: 240 });
  // 7200 W over 3 × 240 V = 10 A (at 230 V it would have been 10.4).
  allocator.onEvent(busEvent('charging-limit.set', 't1', 'A', { type: 'EMS', evseId: 1, chargingSchedule: [{ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7200 }] }] }));
  started('A', 'tx-a');
  await settle();
  t.equal(tx('A').at(-1)!.limit, 10);
});

t.test('a station that reported W only (device model) gets W profiles without being configured', async (t) => {
  const { store, sent, settle, allocator } = await setup(t, 60, [{ stationId: 'V2' }, { stationId: 'V16' }, { stationId: 'BOTH' }]);
  await store.deviceModel.recordActualValues('t1', 'V2', [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'RateUnit' }, value: 'W', at: NOW.toISOString() }]);
  await store.deviceModel.recordActualValues('t1', 'V16', [{ component: { name: 'OCPP16' }, variable: { name: 'ChargingScheduleAllowedChargingRateUnit' }, value: 'Power', at: NOW.toISOString() }]);
  await store.deviceModel.recordActualValues('t1', 'BOTH', [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'RateUnit' }, value: 'A,W', at: NOW.toISOString() }]);
  allocator.siteChanged('t1', 's1');
  await settle();
  t.same(sent.filter((s) => s.purpose === 'TxDefault').map((s) => [s.stationId, s.unit, s.limit]).sort(), [['BOTH', 'A', 20], ['V16', 'W', 13800], ['V2', 'W', 13800]]);
});
