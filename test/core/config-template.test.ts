import t from 'tap';
import { drift, matchesStation, settingsFor, templateProblems, type TemplateSetting } from '../../core/config-template.js';
import type { DeviceModelEntry } from '../../core/device-model.js';

const at = '2026-11-30T06:00:00.000Z';
const entry = (component: DeviceModelEntry['component'], variable: string, attributes: DeviceModelEntry['attributes']): DeviceModelEntry => ({
  component, variable: { name: variable }, attributes, characteristics: null, reportedAt: at,
});

const settings: TemplateSetting[] = [
  { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '600' },
  { component: 'EVSE', evseId: 1, variable: 'Power', attributeType: 'MaxSet', value: '22000' },
  { component: 'AuthCtrlr', variable: 'Enabled', value: 'false' },
  { component: 'SampledDataCtrlr', variable: 'TxUpdatedInterval', value: '60' },
  { component: 'OCPP16', variable: 'HeartbeatInterval', value: '600' },
];

t.test('settingsFor: 1.6 keys to 1.6 stations, device-model settings to 2.x', async (t) => {
  t.same(settingsFor('ocpp1.6', settings).map((s) => s.component), ['OCPP16']);
  t.equal(settingsFor('ocpp2.0.1', settings).length, 4);
  t.equal(settingsFor('ocpp2.1', settings).length, 4);
});

t.test('drift compares the attribute of each setting; booleans in any case; never reported is unknown', async (t) => {
  const model = [
    entry({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', [{ type: 'Actual', value: '300' }]),
    entry({ name: 'EVSE', evseId: 1 }, 'Power', [{ type: 'Actual', value: '11000' }, { type: 'MaxSet', value: '22000' }]),
    entry({ name: 'EVSE', evseId: 2 }, 'Power', [{ type: 'MaxSet', value: '1' }]),
    entry({ name: 'AuthCtrlr' }, 'Enabled', [{ type: 'Actual', value: 'False' }]),
  ];
  const report = drift('ocpp2.0.1', settings, model);
  t.same(report.items.map((i) => [i.setting.variable, i.actual, i.status]), [
    ['HeartbeatInterval', '300', 'differs'],
    ['Power', '22000', 'ok'],
    ['Enabled', 'False', 'ok'],
    ['TxUpdatedInterval', null, 'unknown'],
  ]);
  t.equal(report.differs, 1);
  t.equal(report.unknown, 1);
  t.same(drift('ocpp1.6', settings, [entry({ name: 'OCPP16' }, 'HeartbeatInterval', [{ type: 'Actual', value: '600' }])]).items.map((i) => i.status), ['ok']);
  t.equal(drift('ocpp2.0.1', [{ component: 'X', variable: 'Y', value: '1' }], [entry({ name: 'X' }, 'Y', [{ type: 'Actual', value: '01' }])]).differs, 1, 'numbers compare as the station spells them');
});

t.test('templateProblems names every problem', async (t) => {
  t.same(templateProblems(settings), []);
  const problems = templateProblems([
    { component: 'A', variable: 'B', value: '1' },
    { component: 'A', variable: 'B', value: '2' },
    { component: 'A', variable: 'B', attributeType: 'Target', value: '2' },
    { component: 'OCPP16', variable: 'K', attributeType: 'MaxSet', value: '1' },
    { component: 'EVSE', connectorId: 1, variable: 'P', value: '1' },
  ]);
  t.equal(problems.length, 3, problems.join(' | '));
  t.match(problems[0], /settings\[1\]: A\.B is set twice/);
  t.match(problems[1], /1\.6 key/);
  t.match(problems[2], /connectorId needs evseId/);
});

t.test('matchesStation: every given field must match', async (t) => {
  t.ok(matchesStation({}, { vendor: 'ACME', model: 'X' }));
  t.ok(matchesStation({ vendor: 'ACME' }, { vendor: 'ACME', model: 'X' }));
  t.notOk(matchesStation({ vendor: 'ACME', model: 'Y' }, { vendor: 'ACME', model: 'X' }));
  t.notOk(matchesStation({ model: 'X' }, { vendor: 'ACME', model: null }));
});
