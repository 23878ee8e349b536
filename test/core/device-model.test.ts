import t from 'tap';
import { componentRef, deviceModelKey, reportEntries, variableRef, withActualValue, type DeviceModelEntry } from '../../core/device-model.js';

const base: DeviceModelEntry = {
  component: { name: 'EVSE', evseId: 1 },
  variable: { name: 'Power' },
  attributes: [
    { type: 'Actual', value: '22000', mutability: 'ReadOnly' },
    { type: 'MaxSet', value: '22000', mutability: 'ReadWrite' },
  ],
  characteristics: { dataType: 'decimal', unit: 'W', supportsMonitoring: true },
  reportedAt: '2026-03-01T00:00:00.000Z',
};

t.test('reportEntries: a NotifyReport page as device-model entries', async (t) => {
  const entries = reportEntries(
    [
      {
        component: { name: 'Connector', instance: 'A', evse: { id: 2, connectorId: 1 } },
        variable: { name: 'AvailabilityState', instance: 'x' },
        variableAttribute: [{ value: 'Available' }, { type: 'Target', value: 'Available', mutability: 'ReadWrite', persistent: true, constant: false }],
        variableCharacteristics: { dataType: 'OptionList', valuesList: 'Available,Occupied', supportsMonitoring: false },
      },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '300' }] },
    ],
    '2026-03-02T00:00:00.000Z',
  );
  t.same(entries, [
    {
      component: { name: 'Connector', instance: 'A', evseId: 2, connectorId: 1 },
      variable: { name: 'AvailabilityState', instance: 'x' },
      attributes: [{ type: 'Actual', value: 'Available' }, { type: 'Target', value: 'Available', mutability: 'ReadWrite', persistent: true, constant: false }],
      characteristics: { dataType: 'OptionList', supportsMonitoring: false, valuesList: 'Available,Occupied' },
      reportedAt: '2026-03-02T00:00:00.000Z',
    },
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributes: [{ type: 'Actual', value: '300' }], characteristics: null, reportedAt: '2026-03-02T00:00:00.000Z' },
  ], 'attribute type defaults to Actual; EVSE flattened; no characteristics → null');
  t.same(reportEntries([], 'x'), []);
});

t.test('componentRef / variableRef: absent fields stay absent (one key per variable)', async (t) => {
  t.same(componentRef({ name: 'EVSE', evse: { id: 1 } }), { name: 'EVSE', evseId: 1 });
  t.same(variableRef({ name: 'Power' }), { name: 'Power' });
  t.equal(
    deviceModelKey(componentRef({ name: 'EVSE', evse: { id: 1 } }), variableRef({ name: 'Power' })),
    deviceModelKey({ name: 'EVSE', evseId: 1 }, { name: 'Power' }),
  );
  t.not(deviceModelKey({ name: 'EVSE', evseId: 1 }, { name: 'Power' }), deviceModelKey({ name: 'EVSE', evseId: 1, connectorId: 1 }, { name: 'Power' }));
});

t.test('withActualValue: only the Actual attribute changes', async (t) => {
  const after = withActualValue(base, { component: base.component, variable: base.variable, value: '7400', at: '2026-03-01T00:05:00.000Z' });
  t.same(after.attributes, [{ type: 'Actual', value: '7400', mutability: 'ReadOnly' }, { type: 'MaxSet', value: '22000', mutability: 'ReadWrite' }]);
  t.same(after.characteristics, base.characteristics);
  t.equal(after.reportedAt, '2026-03-01T00:05:00.000Z');
  t.equal(base.attributes[0]!.value, '22000', 'the input is not changed');
});

t.test('withActualValue: an older value changes nothing; a variable without Actual gains one; an unknown variable is added', async (t) => {
  t.equal(withActualValue(base, { component: base.component, variable: base.variable, value: '1', at: '2026-02-01T00:00:00.000Z' }), base, 'same object: nothing to write');
  const targetOnly = { ...base, attributes: [{ type: 'Target', value: '5' }] };
  t.same(withActualValue(targetOnly, { component: base.component, variable: base.variable, value: '6', at: '2026-03-02T00:00:00.000Z' }).attributes, [
    { type: 'Target', value: '5' },
    { type: 'Actual', value: '6' },
  ]);
  t.same(withActualValue(undefined, { component: { name: 'Door' }, variable: { name: 'Problem' }, value: 'true', at: '2026-03-02T00:00:00.000Z' }), {
    component: { name: 'Door' },
    variable: { name: 'Problem' },
    attributes: [{ type: 'Actual', value: 'true' }],
    characteristics: null,
    reportedAt: '2026-03-02T00:00:00.000Z',
  });
});
