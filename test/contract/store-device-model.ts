import type { Test } from 'tap';
import type { DeviceModelEntry } from '../../core/device-model.js';
import type { StoreContractOptions } from './store.js';

/** The device-model slice of `Store`, run by every adapter. */
const entry = (component: string, variable: string, value: string, evseId?: number): DeviceModelEntry => ({
  component: { name: component, ...(evseId !== undefined ? { evseId } : {}) },
  variable: { name: variable },
  attributes: [{ type: 'Actual', value, mutability: 'ReadWrite' }],
  characteristics: { dataType: 'integer', supportsMonitoring: false },
  reportedAt: '2026-03-01T00:00:00.000Z',
});

export function deviceModelStoreContract(t: Test, name: string, options: StoreContractOptions): void {
  t.test(`${name}: device model store contract`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    await store.deviceModel.recordDeviceModel('t1', 'CS1', [entry('OCPPCommCtrlr', 'HeartbeatInterval', '300'), entry('EVSE', 'Power', '22000', 1), entry('EVSE', 'Power', '11000', 2)]);
    await store.deviceModel.recordDeviceModel('t1', 'CS1', [entry('OCPPCommCtrlr', 'HeartbeatInterval', '60')]);
    await store.deviceModel.recordDeviceModel('t2', 'CS2', [entry('EVSE', 'Power', '1', 1)]);
    const all = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10 });
    t.equal(all.items.length, 3);
    t.equal(all.nextCursor, undefined);
    const hb = all.items.find((v) => v.variable.name === 'HeartbeatInterval');
    t.same(hb?.attributes, [{ type: 'Actual', value: '60', mutability: 'ReadWrite' }], 'last report wins');
    t.match(hb, { tenantId: 't1', stationId: 'CS1', component: { name: 'OCPPCommCtrlr' }, characteristics: { dataType: 'integer' } });
    const evse = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 1, component: 'EVSE' });
    t.same(evse.items.map((v) => v.component.evseId), [1]);
    const next = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 1, component: 'EVSE', cursor: evse.nextCursor });
    t.same(next.items.map((v) => v.component.evseId), [2]);
    t.same((await store.deviceModel.listDeviceModel('t2', 'CS1', { limit: 10 })).items, [], 'tenant-scoped');
  
    // Filters: variable name, EVSE.
    t.same((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, variable: 'Power' })).items.map((v) => v.component.evseId), [1, 2]);
    t.same((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, evseId: 2 })).items.map((v) => v.attributes[0]?.value), ['11000']);
    t.same((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, variable: 'Nope' })).items, []);
  });

  t.test(`${name}: device model actual values (NotifyEvent)`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    await store.deviceModel.recordDeviceModel('t1', 'CS1', [
      { ...entry('EVSE', 'Power', '22000', 1), attributes: [{ type: 'Actual', value: '22000', mutability: 'ReadOnly' }, { type: 'MaxSet', value: '22000' }] },
    ]);
    await store.deviceModel.recordActualValues('t1', 'CS1', [
      { component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Power' }, value: '7400', at: '2026-03-01T00:01:00.000Z' },
      { component: { name: 'Connector', evseId: 1, connectorId: 1 }, variable: { name: 'AvailabilityState' }, value: 'Occupied', at: '2026-03-01T00:01:00.000Z' },
    ]);
    const page = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10 });
    const power = page.items.find((v) => v.variable.name === 'Power');
    t.same(power?.attributes, [{ type: 'Actual', value: '7400', mutability: 'ReadOnly' }, { type: 'MaxSet', value: '22000' }], 'only the Actual value changes');
    t.same(power?.characteristics, { dataType: 'integer', supportsMonitoring: false }, 'characteristics kept');
    t.equal(power?.reportedAt, '2026-03-01T00:01:00.000Z');
    const state = page.items.find((v) => v.variable.name === 'AvailabilityState');
    t.match(state, { component: { name: 'Connector', evseId: 1, connectorId: 1 }, attributes: [{ type: 'Actual', value: 'Occupied' }], characteristics: null }, 'an unreported variable is added');
    await store.deviceModel.recordActualValues('t1', 'CS1', [{ component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Power' }, value: '1', at: '2026-02-01T00:00:00.000Z' }]);
    const again = (await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, variable: 'Power' })).items[0];
    t.equal(again?.attributes[0]?.value, '7400', 'an older value changes nothing');
    await store.deviceModel.recordActualValues('t2', 'CS1', [{ component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Power' }, value: '2', at: '2026-04-01T00:00:00.000Z' }]);
    t.equal((await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10, variable: 'Power' })).items[0]?.attributes[0]?.value, '7400', 'another tenant cannot overwrite');
  });

  t.test(`${name}: device model values of another attribute type, with mutability (SetVariables, 1.6 configuration)`, async (t) => {
    const store = await options.open();
    t.teardown(() => store.close().catch(() => {}));
    await store.deviceModel.recordDeviceModel('t1', 'CS1', [entry('EVSE', 'Current', '10', 1)]);
    await store.deviceModel.recordActualValues('t1', 'CS1', [
      { component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Current' }, value: '16', at: '2026-03-01T00:01:00.000Z', type: 'Target' },
      { component: { name: 'OCPP16' }, variable: { name: 'ChargePointModel' }, value: 'X1', at: '2026-03-01T00:01:00.000Z', mutability: 'ReadOnly' },
    ]);
    const page = await store.deviceModel.listDeviceModel('t1', 'CS1', { limit: 10 });
    t.same(page.items.find((v) => v.variable.name === 'Current')?.attributes, [{ type: 'Actual', value: '10', mutability: 'ReadWrite' }, { type: 'Target', value: '16' }], 'Target added, Actual kept');
    t.same(page.items.find((v) => v.variable.name === 'ChargePointModel')?.attributes, [{ type: 'Actual', value: 'X1', mutability: 'ReadOnly' }]);
  });
}
