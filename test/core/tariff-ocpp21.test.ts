import t from 'tap';
import { costPersonalMessage, stationCostFrom21, toOcpp21Tariff } from '../../core/tariff-ocpp21.js';
import { checkPayload, compileVersionSchemas } from '../../core/schemas.js';
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

t.test('2.1 costDetails read into the cost model; the cost in words for updatedPersonalMessage', async (t) => {
  const at = '2026-11-02T20:00:00.000Z';
  const details = {
    chargingPeriods: [{ startPeriod: '2026-11-02T17:00:00Z', tariffId: 'evening', dimensions: [{ type: 'Energy', volume: 20000 }] }, { startPeriod: '2026-11-02T18:00:00Z', tariffId: 'evening' }],
    totalCost: { currency: 'EUR', typeOfCost: 'MaxCost', energy: { exclTax: 7, inclTax: 8.4 }, idleTime: { exclTax: 0.1 }, total: { exclTax: 16.4, inclTax: 19.68 } },
    totalUsage: { energy: 20000, chargingTime: 5400, idleTime: 5400, reservationTime: 60 },
  };
  const schemas = compileVersionSchemas('ocpp2.1').actions.get('TransactionEvent')!;
  const request = { eventType: 'Ended', timestamp: at, triggerReason: 'EVDeparted', seqNo: 3, transactionInfo: { transactionId: 'tx' }, costDetails: details };
  t.equal(checkPayload(schemas.request, request), undefined, 'the example is a valid 2.1 TransactionEventRequest');
  t.same(stationCostFrom21(details, at), {
    currency: 'EUR', typeOfCost: 'MaxCost', totalExclTax: '16.4', totalInclTax: '19.68',
    components: { energy: { exclTax: '7', inclTax: '8.4' }, idleTime: { exclTax: '0.1' } },
    usage: { energyWh: 20000, chargingTimeSec: 5400, idleTimeSec: 5400, reservationTimeSec: 60 },
    tariffIds: ['evening'], reportedAt: at,
  });
  t.match(stationCostFrom21({ ...details, failureToCalculate: true, failureReason: 'meter fault' }, at), { failure: 'meter fault' });
  t.equal(stationCostFrom21(undefined, at), undefined);

  const running = { final: false, totalInclTax: '3.00', cost: { currency: 'EUR' }, tariff: { taxPercent: '20', displayLanguage: 'en-GB' } };
  const message = costPersonalMessage(running);
  t.same(message, { format: 'UTF8', content: 'Cost so far: 3.00 EUR incl. 20% tax', language: 'en-GB' });
  t.same(costPersonalMessage({ ...running, final: true, tariff: { taxPercent: '0' } }), { format: 'UTF8', content: 'Total: 3.00 EUR incl. 0% tax' });
  t.equal(checkPayload(schemas.response!, { totalCost: 3, updatedPersonalMessage: message }), undefined, 'a valid 2.1 TransactionEventResponse');
});
