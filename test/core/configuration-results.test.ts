import t from 'tap';
import {
  OCPP16_COMPONENT,
  changeConfigurationUpdates16,
  configurationUpdates16,
  getVariablesUpdates,
  setVariablesUpdates,
} from '../../core/configuration-results.js';
import { withActualValue } from '../../core/device-model.js';

const at = '2026-03-01T00:00:00.000Z';

t.test('getVariablesUpdates: Accepted results with a value, of their attribute type', async (t) => {
  const updates = getVariablesUpdates(
    [
      { attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { attributeStatus: 'Accepted', attributeType: 'MaxSet', attributeValue: '32', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Current' } },
      { attributeStatus: 'Accepted', component: { name: 'Door' }, variable: { name: 'Open' } },
      { attributeStatus: 'UnknownVariable', attributeValue: 'x', component: { name: 'Nope' }, variable: { name: 'Nope' } },
      { attributeStatus: 'Rejected', component: { name: 'A' }, variable: { name: 'B' } },
    ],
    at,
  );
  t.same(updates, [
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, value: '300', at },
    { component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Current' }, value: '32', at, type: 'MaxSet' },
  ], 'no value, UnknownVariable and Rejected change nothing');
});

t.test('setVariablesUpdates: the requested value of each Accepted or RebootRequired result, matched by component, variable and type', async (t) => {
  const requested = [
    { attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    { attributeValue: '16', attributeType: 'Target', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Current' } },
    { attributeValue: '20', component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'Current' } },
    { attributeValue: 'x', component: { name: 'Locked' }, variable: { name: 'Thing' } },
  ];
  const updates = setVariablesUpdates(
    requested,
    [
      { attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { attributeStatus: 'RebootRequired', attributeType: 'Target', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Current' } },
      { attributeStatus: 'Rejected', component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'Current' } },
      { attributeStatus: 'Accepted', component: { name: 'Locked' }, variable: { name: 'Other' } },
    ],
    at,
  );
  t.same(updates, [
    { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, value: '60', at },
    { component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Current' }, value: '16', at, type: 'Target' },
  ], 'Rejected and results naming no requested variable change nothing');
  t.same(
    setVariablesUpdates(requested.slice(1, 2), [{ attributeStatus: 'Accepted', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Current' } }], at),
    [],
    'a result of another attribute type than requested does not match',
  );
});

t.test('configurationUpdates16: keys as variables of component OCPP16, readonly as mutability', async (t) => {
  t.equal(OCPP16_COMPONENT, 'OCPP16');
  t.same(
    configurationUpdates16(
      [
        { key: 'HeartbeatInterval', readonly: false, value: '300' },
        { key: 'ChargePointModel', readonly: true, value: 'X1' },
        { key: 'NoValue', readonly: true },
      ],
      at,
    ),
    [
      { component: { name: 'OCPP16' }, variable: { name: 'HeartbeatInterval' }, value: '300', at, mutability: 'ReadWrite' },
      { component: { name: 'OCPP16' }, variable: { name: 'ChargePointModel' }, value: 'X1', at, mutability: 'ReadOnly' },
    ],
    'a key without a value is left out',
  );
});

t.test('changeConfigurationUpdates16: Accepted and RebootRequired set the value; Rejected and NotSupported do not', async (t) => {
  t.same(changeConfigurationUpdates16('MeterValueSampleInterval', '30', 'Accepted', at), [
    { component: { name: 'OCPP16' }, variable: { name: 'MeterValueSampleInterval' }, value: '30', at },
  ]);
  t.equal(changeConfigurationUpdates16('K', 'v', 'RebootRequired', at).length, 1);
  t.same(changeConfigurationUpdates16('K', 'v', 'Rejected', at), []);
  t.same(changeConfigurationUpdates16('K', 'v', 'NotSupported', at), []);
});

t.test('withActualValue: an update of another type changes that attribute; mutability only when given', async (t) => {
  const entry = {
    component: { name: 'EVSE' },
    variable: { name: 'Current' },
    attributes: [{ type: 'Actual', value: '10', mutability: 'ReadOnly' }, { type: 'Target', value: '12', mutability: 'ReadWrite' }],
    characteristics: null,
    reportedAt: at,
  };
  const later = '2026-03-01T00:01:00.000Z';
  t.same(withActualValue(entry, { component: entry.component, variable: entry.variable, value: '16', at: later, type: 'Target' }).attributes, [
    { type: 'Actual', value: '10', mutability: 'ReadOnly' },
    { type: 'Target', value: '16', mutability: 'ReadWrite' },
  ]);
  t.same(withActualValue(entry, { component: entry.component, variable: entry.variable, value: '8', at: later, type: 'MinSet' }).attributes.at(-1), { type: 'MinSet', value: '8' }, 'added when absent');
  t.same(withActualValue(entry, { component: entry.component, variable: entry.variable, value: '11', at: later, mutability: 'ReadWrite' }).attributes[0], {
    type: 'Actual', value: '11', mutability: 'ReadWrite',
  });
});
