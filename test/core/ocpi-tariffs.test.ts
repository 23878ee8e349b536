import t from 'tap';
import fc from 'fast-check';
import { cdrChargingPeriods, cdrCostFields, signedDataOf, tariffToOcpi } from '../../core/ocpi/tariffs.js';
import { chargingPeriodsOf, transactionCost, usageOf, type TariffRecord } from '../../core/tariff-assignment.js';
import { sessionCost } from '../../core/tariff.js';
import type { MeterValueRecord, TransactionRecord } from '../../core/transaction-types.js';

const party = { countryCode: 'NL', partyId: 'SWY' };
const tariff = (extra: Partial<TariffRecord> = {}): TariffRecord => ({
  tenantId: 'acme', id: 'T1', currency: 'EUR', taxPercent: '21', prices: { energy: '0.30', chargingTime: '1.20', idleTime: '6' },
  createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-02T00:00:00.000Z', ...extra,
});

t.test('tariff → OCPI Tariff: FLAT first, one element per period with its restrictions, the base last', async (t) => {
  const ocpi = tariffToOcpi(tariff({
    sessionFee: '0.50', displayText: 'Cheap at night', displayLanguage: 'nl-NL',
    periods: [
      { days: [1, 2, 3, 4, 5], start: '22:00', end: '24:00', energy: '0.20' },
      { days: [6, 7], start: '00:00', end: '24:00', energy: '0.25', idleTime: '0' },
      { days: [1], start: '08:00', end: '09:00' },
    ],
  }), party);
  t.same(ocpi, {
    country_code: 'NL', party_id: 'SWY', id: 'T1', currency: 'EUR', tariff_alt_text: [{ language: 'nl', text: 'Cheap at night' }],
    elements: [
      { price_components: [{ type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] },
      { price_components: [{ type: 'ENERGY', price: 0.2, vat: 21, step_size: 1 }], restrictions: { start_time: '22:00', end_time: '00:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
      { price_components: [{ type: 'ENERGY', price: 0.25, vat: 21, step_size: 1 }, { type: 'PARKING_TIME', price: 0, vat: 21, step_size: 1 }], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
      { price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }, { type: 'TIME', price: 1.2, vat: 21, step_size: 1 }, { type: 'PARKING_TIME', price: 6, vat: 21, step_size: 1 }] },
    ],
    last_updated: '2026-11-02T00:00:00.000Z',
  }, 'a period without prices of its own is left to the base element');
  t.same(tariffToOcpi(tariff({ prices: {}, taxPercent: '0' }), party).elements, [{ price_components: [{ type: 'ENERGY', price: 0, vat: 0, step_size: 1 }] }], 'always one element');
  t.same(tariffToOcpi(tariff({ periods: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '07:00', end: '19:00', energy: '0.40' }] }), party).elements[0]!.restrictions, { start_time: '07:00', end_time: '19:00' }, 'every day: no day_of_week');
});

const record = (extra: Partial<TransactionRecord> = {}): TransactionRecord => ({
  tenantId: 'acme', stationId: 'CP1', id: 'TX1', protocol: 'ocpp1.6', evseId: 1, connectorId: 1, idToken: null, startedAt: '2026-11-30T21:00:00.000Z', endedAt: '2026-11-30T23:30:00.000Z',
  isActive: false, meterStartWh: 0, meterStopWh: 9000, ...extra,
} as unknown as TransactionRecord);
const mv = (timestamp: string, wh: number, extra: Partial<MeterValueRecord> = {}): MeterValueRecord => ({
  tenantId: 'acme', stationId: 'CP1', transactionId: 'TX1', evseId: 1, timestamp, value: wh, measurand: 'Energy.Active.Import.Register', unit: 'Wh', multiplier: 0, context: 'Sample.Periodic', phase: null, location: null, ...extra,
});

t.test('charging periods: cut at the tariff period, the end of charging and the end of the grace; sums are the cost’s quantities', async (t) => {
  const priced = tariff({ timeZone: 'UTC', idleGraceMinutes: 15, periods: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '22:00', end: '24:00', energy: '0.20' }] });
  // 21:00 → 23:00 charging 9 kWh linearly, then parked until 23:30 (15 min grace, 15 min billed).
  const values = [mv('2026-11-30T22:00:00.000Z', 4500), mv('2026-11-30T23:00:00.000Z', 9000)];
  const rec = record();
  const usage = usageOf(rec, values, rec.endedAt!);
  const periods = cdrChargingPeriods(priced, usage);
  t.same(periods, [
    { start_date_time: '2026-11-30T21:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 4.5 }, { type: 'TIME', volume: 1 }], tariff_id: 'T1' },
    { start_date_time: '2026-11-30T22:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 4.5 }, { type: 'TIME', volume: 1 }], tariff_id: 'T1' },
    { start_date_time: '2026-11-30T23:00:00.000Z', dimensions: [{ type: 'ENERGY', volume: 0 }], tariff_id: 'T1' },
    { start_date_time: '2026-11-30T23:15:00.000Z', dimensions: [{ type: 'PARKING_TIME', volume: 0.25 }], tariff_id: 'T1' },
  ]);
  const cost = transactionCost(priced, 'default', rec, values, rec.endedAt!, rec.endedAt!);
  const fields = cdrCostFields(cost, rec.startedAt);
  // energy 4.5 × 0.30 + 4.5 × 0.20 = 2.25; charging 2 h × 1.20 = 2.40; idle 0.25 h × 6 = 1.50 → 6.15; 21 % → 7.44
  t.same(fields, {
    total_cost: { excl_vat: 6.15, incl_vat: 7.44 }, total_energy: 9, total_energy_cost: { excl_vat: 2.25 }, total_time: 2.5,
    total_time_cost: { excl_vat: 2.4 }, total_parking_time: 0.25, total_parking_cost: { excl_vat: 1.5 },
  }, 'the same numbers as Switchyard’s cost');
  t.equal(cost.totalInclTax, '7.44');
});

t.test('property: the periods tile the session and their dimensions sum to the cost’s quantities', async (t) => {
  const start = Date.parse('2026-11-28T18:00:00.000Z');
  fc.assert(fc.property(
    fc.array(fc.record({ dt: fc.integer({ min: 1, max: 7200 }), dwh: fc.integer({ min: 0, max: 20000 }) }), { maxLength: 12 }),
    fc.integer({ min: 0, max: 7200 }), fc.integer({ min: 0, max: 60 }),
    (steps, tail, grace) => {
      const priced = tariff({ timeZone: 'Europe/Amsterdam', idleGraceMinutes: grace, periods: [{ days: [1, 2, 3, 4, 5], start: '19:00', end: '21:30', energy: '0.5' }, { days: [6, 7], start: '20:00', end: '24:00', chargingTime: '2' }] });
      let ms = start;
      let wh = 1000;
      const readings = [{ at: new Date(ms).toISOString(), wh }];
      for (const s of steps) readings.push({ at: new Date((ms += s.dt * 1000)).toISOString(), wh: (wh += s.dwh) });
      const endedAt = new Date(ms + tail * 1000).toISOString();
      const u = { startedAt: readings[0]!.at, endedAt, readings, chargingPeriods: chargingPeriodsOf(readings) };
      const periods = cdrChargingPeriods(priced, u);
      const cost = sessionCost(priced, u);
      const sum = (type: string) => periods.flatMap((p) => p.dimensions).filter((d) => d.type === type).reduce((a, d) => a + d.volume, 0);
      const starts = periods.map((p) => Date.parse(p.start_date_time));
      return Math.abs(sum('ENERGY') - cost.energy.quantity) < 0.0001 * (periods.length + 1)
        && Math.abs(sum('TIME') - cost.chargingTime.quantity) < 0.0001 * (periods.length + 1)
        && Math.abs(sum('PARKING_TIME') - cost.idleTime.quantity) < 0.0001 * (periods.length + 1)
        && starts[0] === start && starts.every((s, i) => i === 0 || s > starts[i - 1]!);
    },
  ), { numRuns: 200 });
  t.pass('200 random sessions');
});

t.test('signed data: 2.x signed values with their encoding and key; 1.6 SignedData alone; none: undefined', async (t) => {
  t.equal(signedDataOf([mv('2026-11-30T21:00:00.000Z', 0)]), undefined);
  const twoX = signedDataOf([
    mv('2026-11-30T23:00:00.000Z', 9000, { context: 'Transaction.End', signedMeterValue: { signedMeterData: 'END==', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'PUBKEY', format: null } }),
    mv('2026-11-30T21:00:00.000Z', 0, { context: 'Transaction.Begin', signedMeterValue: { signedMeterData: 'BEGIN==', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'PUBKEY', format: null } }),
  ]);
  t.same(twoX, { encoding_method: 'OCMF', public_key: 'PUBKEY', signed_values: [{ nature: 'Start', plain_data: '0Wh', signed_data: 'BEGIN==' }, { nature: 'End', plain_data: '9000Wh', signed_data: 'END==' }] });
  const sixteen = signedDataOf([mv('2026-11-30T22:00:00.000Z', 0, { signedMeterValue: { signedMeterData: 'OCMF|{"FV":"1.0"}|{"SA":"ECDSA"}', signingMethod: null, encodingMethod: null, publicKey: null, format: 'SignedData', valueless: true } })]);
  t.same(sixteen, { encoding_method: 'OCMF', signed_values: [{ nature: 'Intermediate', plain_data: '', signed_data: 'OCMF|{"FV":"1.0"}|{"SA":"ECDSA"}' }] });
});
