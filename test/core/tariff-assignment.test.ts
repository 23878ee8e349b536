import t from 'tap';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { chargingPeriodsOf, costSummary, pickAssignment, tariffPersonalMessage, transactionCost, usageOf, type TariffAssignment, type TariffRecord } from '../../core/tariff-assignment.js';
import type { MeterValueRecord, TransactionRecord } from '../../core/transaction-types.js';
import { eventSuffix } from '../../adapters/bus/nats-subjects.js';

const at = '2026-11-30T00:00:00.000Z';
const a = (target: TariffAssignment['target'], tariffId: string): TariffAssignment => ({ tenantId: 'acme', target, tariffId, updatedAt: at });

t.test('resolution order: token group, EVSE, station, station group (first by name), default', async (t) => {
  const all = [
    a({ kind: 'default' }, 'd'),
    a({ kind: 'stationGroup', group: 'zeta', stationIds: ['CP1'] }, 'gz'),
    a({ kind: 'stationGroup', group: 'alpha', stationIds: ['CP1', 'CP2'] }, 'ga'),
    a({ kind: 'station', stationId: 'CP1' }, 's'),
    a({ kind: 'evse', stationId: 'CP1', evseId: 1 }, 'e'),
    a({ kind: 'tokenGroup', groupId: 'FLEET' }, 't'),
  ];
  t.equal(pickAssignment(all, { stationId: 'CP1', evseId: 1, tokenGroupId: 'FLEET' })?.tariffId, 't');
  t.equal(pickAssignment(all, { stationId: 'CP1', evseId: 1, tokenGroupId: null })?.tariffId, 'e');
  t.equal(pickAssignment(all, { stationId: 'CP1', evseId: 2 })?.tariffId, 's');
  t.equal(pickAssignment(all, { stationId: 'CP1' })?.tariffId, 's', 'no EVSE known: the station');
  t.equal(pickAssignment(all.filter((x) => x.target.kind !== 'station'), { stationId: 'CP1' })?.tariffId, 'ga', 'two groups: the first by name');
  t.equal(pickAssignment(all, { stationId: 'CP9' })?.tariffId, 'd');
  t.equal(pickAssignment(all.slice(1), { stationId: 'CP9' }), undefined, 'no default: none');
});

t.test('charging periods: where the register rose, merged; a reset or a flat stretch is not charging', async (t) => {
  t.same(
    chargingPeriodsOf([
      { at: '2026-01-01T10:30:00Z', wh: 2000 },
      { at: '2026-01-01T10:00:00Z', wh: 0 },
      { at: '2026-01-01T11:00:00Z', wh: 2000 },
      { at: '2026-01-01T11:30:00Z', wh: 0 },
      { at: '2026-01-01T12:00:00Z', wh: 500 },
    ]),
    [
      { from: '2026-01-01T10:00:00.000Z', to: '2026-01-01T10:30:00.000Z' },
      { from: '2026-01-01T11:30:00.000Z', to: '2026-01-01T12:00:00.000Z' },
    ],
  );
  t.same(chargingPeriodsOf([]), []);
});

t.test('property: charging periods are ordered, disjoint, within the readings, and cover every rise', async (t) => {
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  fc.assert(
    fc.property(fc.array(fc.record({ min: fc.integer({ min: 0, max: 600 }), wh: fc.integer({ min: 0, max: 50_000 }) }), { maxLength: 20 }), (raw) => {
      const readings = raw.map((r) => ({ at: new Date(T0 + r.min * 60_000).toISOString(), wh: r.wh }));
      const periods = chargingPeriodsOf(readings).map((p) => [Date.parse(p.from), Date.parse(p.to)] as const);
      const times = readings.map((r) => Date.parse(r.at));
      for (let i = 0; i < periods.length; i++) {
        const [from, to] = periods[i]!;
        if (!(from < to)) return false;
        if (from < Math.min(...times) || to > Math.max(...times)) return false;
        if (i > 0 && !(periods[i - 1]![1] < from)) return false; // merged when adjacent, so strictly apart
      }
      const sorted = readings.map((r) => ({ ms: Date.parse(r.at), wh: r.wh })).sort((x, y) => x.ms - y.ms || x.wh - y.wh);
      for (let i = 1; i < sorted.length; i++) {
        const x = sorted[i - 1]!;
        const y = sorted[i]!;
        if (y.wh > x.wh && y.ms > x.ms && !periods.some(([from, to]) => from <= x.ms && y.ms <= to)) return false;
      }
      return true;
    }),
  );
});

const tariff: TariffRecord = {
  tenantId: 'acme',
  id: 'evening',
  currency: 'EUR',
  taxPercent: '20',
  sessionFee: '1.00',
  prices: { energy: '0.30', chargingTime: '0.60', idleTime: '6.00' },
  periods: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '18:00', end: '22:00', energy: '0.50' }],
  idleGraceMinutes: 15,
  displayText: 'EUR 0.30/kWh, 0.50 18-22h',
  createdAt: at,
  updatedAt: at,
};

function record(over: Partial<TransactionRecord>): TransactionRecord {
  return {
    tenantId: 'acme', stationId: 'CP1', id: 'tx1', ocppTransactionId: null, protocol: 'ocpp2.0.1', evseId: 1, connectorId: 1, idToken: null,
    isActive: true, chargingState: null, timeSpentChargingSec: 0, totalKwh: 0, stoppedReason: null, remoteStartId: null, operationMode: null,
    tariffId: null, startedAt: '2026-11-02T17:00:00.000Z', endedAt: null, meterStartWh: 0, meterStopWh: null, lastSeqNo: null, reservationId: null,
    triggerReason: null, idTokens: [], flags: [], createdAt: at, updatedAt: at, ...over,
  };
}
const mv = (timestamp: string, value: number, extra: Partial<MeterValueRecord> = {}): MeterValueRecord => ({
  tenantId: 'acme', stationId: 'CP1', transactionId: 'tx1', evseId: 1, timestamp, value, measurand: 'Energy.Active.Import.Register', unit: 'Wh', multiplier: 0,
  context: 'Sample.Periodic', phase: null, location: null, ...extra,
});

t.test('a transaction priced from its meter values: running, then final (hand-computed)', async (t) => {
  const values = [mv('2026-11-02T17:30:00.000Z', 10000), mv('2026-11-02T18:30:00.000Z', 20000), mv('2026-11-02T19:00:00.000Z', 20000), mv('2026-11-02T18:45:00.000Z', 7, { phase: 'L1' })];
  const running = transactionCost(tariff, 'station', record({}), values, '2026-11-02T18:30:00.000Z', at);
  // 10 kWh at 0.30, then 5 at 0.30 and 5 at 0.50 (the 17:30–18:30 rise split at 18:00) = 7.00;
  // charging 17:00–18:30 (1.5 h at 0.60) = 0.90; no idle yet; fee 1.00 → 8.90 + 20 % = 10.68.
  t.match(costSummary(running), { final: false, totalExclTax: '8.90', tax: '1.78', totalInclTax: '10.68', breakdown: { energy: { exclTax: '7.00', quantity: 20 } } });
  const ended = record({ isActive: false, endedAt: '2026-11-02T20:00:00.000Z', meterStopWh: 20000 });
  const final = transactionCost(tariff, 'station', ended, values, ended.endedAt!, at);
  // Idle from 18:30 + 15 min grace to 20:00: 1.25 h at 6.00 = 7.50 → 16.40 + 3.28 = 19.68.
  t.same(costSummary(final), {
    tariffId: 'evening', assignedBy: 'station', currency: 'EUR', final: true, until: '2026-11-02T20:00:00.000Z',
    breakdown: { energy: { exclTax: '7.00', quantity: 20 }, chargingTime: { exclTax: '0.90', quantity: 1.5 }, idleTime: { exclTax: '7.50', quantity: 1.25 }, sessionFee: { exclTax: '1.00', quantity: 1 } },
    totalExclTax: '16.40', tax: '3.28', taxPercent: '20', totalInclTax: '19.68',
  });
  t.same(usageOf(ended, values, '2026-11-02T18:00:00.000Z').readings.map((r) => r.wh), [0, 10000], 'readings after `until` are left out');
});

t.test('personal message from the display text (UTF8, at most 512 characters)', async (t) => {
  t.same(tariffPersonalMessage(tariff), { format: 'UTF8', content: 'EUR 0.30/kWh, 0.50 18-22h' });
  t.equal(tariffPersonalMessage({ ...tariff, displayText: undefined }), undefined);
  t.equal(tariffPersonalMessage(undefined), undefined);
  t.equal((tariffPersonalMessage({ ...tariff, displayText: 'x'.repeat(600), displayLanguage: 'nl' })!.content as string).length, 512);
});

t.test('cost.updated is documented (nats-subjects.md, asyncapi.yaml)', async (t) => {
  const subjects = await readFile(new URL('../../docs/nats-subjects.md', import.meta.url), 'utf8');
  const asyncapi = await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8');
  t.ok(subjects.includes(`| \`${eventSuffix('cost.updated')}\` |`));
  t.match(asyncapi, /enum: \[[^\]]*\bcost\.updated\b/);
});
