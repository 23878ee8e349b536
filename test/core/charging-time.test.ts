import t from 'tap';
import { applyChargingState, chargingSeconds, EMPTY_CHARGING, stopCharging } from '../../core/charging-time.js';

t.test('only Charging intervals count', async (t) => {
  let f = applyChargingState(EMPTY_CHARGING, 'EVConnected', 0);
  f = applyChargingState(f, 'Charging', 10_000); // 10 s
  f = applyChargingState(f, 'SuspendedEV', 70_000); // +60 s
  t.equal(chargingSeconds(f, 100_000), 60, 'suspended time does not count');
  f = applyChargingState(f, 'Charging', 100_000);
  t.equal(chargingSeconds(f, 130_000), 90, 'an open interval counts up to now');
  f = stopCharging(f, 160_000); // +60 s
  t.equal(chargingSeconds(f, 999_000), 120, 'closed at the end');
});

t.test('repeating a state changes nothing; a clock stepping back subtracts nothing', async (t) => {
  let f = applyChargingState(EMPTY_CHARGING, 'Charging', 50_000);
  t.equal(applyChargingState(f, 'Charging', 60_000), f);
  f = applyChargingState(f, 'Idle', 40_000);
  t.equal(chargingSeconds(f, 40_000), 0);
});
