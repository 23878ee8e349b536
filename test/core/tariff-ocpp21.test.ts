import t from 'tap';
import { toOcpp21Tariff } from '../../core/tariff-ocpp21.js';
import type { TariffRecord } from '../../core/tariff-assignment.js';

t.test('a stored tariff as 2.1 TariffType: periods as conditioned elements before the base price', async (t) => {
  const tariff: TariffRecord = {
    tenantId: 'acme', id: 'evening', currency: 'EUR', taxPercent: '20', sessionFee: '1.00',
    prices: { energy: '0.30', chargingTime: '0.60', idleTime: '6.00' },
    periods: [{ days: [7, 1], start: '18:00', end: '24:00', energy: '0.50' }],
    idleGraceMinutes: 15, displayText: 'Evening', displayLanguage: 'en',
    createdAt: '2026-11-30T00:00:00Z', updatedAt: '2026-11-30T00:00:00Z',
  };
  const vat = [{ type: 'VAT', tax: 20 }];
  t.same(toOcpp21Tariff(tariff), {
    tariffId: 'evening',
    currency: 'EUR',
    description: [{ format: 'UTF8', content: 'Evening', language: 'en' }],
    energy: { prices: [{ priceKwh: 0.5, conditions: { dayOfWeek: ['Monday', 'Sunday'], startTimeOfDay: '18:00', endTimeOfDay: '00:00' } }, { priceKwh: 0.3 }], taxRates: vat },
    chargingTime: { prices: [{ priceMinute: 0.01 }], taxRates: vat },
    idleTime: { prices: [{ priceMinute: 0.1, conditions: { minIdleTime: 900 } }], taxRates: vat },
    fixedFee: { prices: [{ priceFixed: 1 }], taxRates: vat },
  });
  const bare = toOcpp21Tariff({ ...tariff, sessionFee: undefined, displayText: undefined, idleGraceMinutes: undefined, prices: { chargingTime: '1.00' }, periods: [] });
  t.same(bare, { tariffId: 'evening', currency: 'EUR', chargingTime: { prices: [{ priceMinute: 0.016667 }], taxRates: vat } }, 'per hour to per minute, 6 decimals; absent components left out');
});
