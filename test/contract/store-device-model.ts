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
  });
}
