import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12: what a station answers to configuration commands is kept in its device model, from
// every entry point (typed REST and the generic OCPP route here), with strict ocpp-rpc clients.

const PASSWORD = 'configuration-results-pw';

interface ModelItem { component: { name: string; evseId?: number }; variable: { name: string }; attributes: Array<{ type: string; value?: string; mutability?: string }> }

t.test('configuration results kept in the device model', async (t) => {
  const server = await startServer(t);
  await server.registerStation('CR-16', PASSWORD);
  await server.registerStation('CR-201', PASSWORD);
  const model = async (id: string, query = ''): Promise<ModelItem[]> => (await server.apiJson('GET', `/stations/${id}/device-model${query}`)).body.items;

  t.test('1.6: GetConfiguration keys and accepted ChangeConfiguration values under component OCPP16', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CR-16', password: PASSWORD, version: 'ocpp1.6' });
    t.equal(((await client.call('BootNotification', bootPayload('ocpp1.6'))) as { status: string }).status, 'Accepted');
    client.handle('GetConfiguration', async () => ({
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '300' },
        { key: 'ChargePointModel', readonly: true, value: 'X1' },
      ],
      unknownKey: ['Nope'],
    }));
    client.handle('ChangeConfiguration', async ({ params }) => ({ status: (params as { key: string }).key === 'ChargePointModel' ? 'Rejected' : 'RebootRequired' }));

    const conf = await server.apiJson('GET', '/stations/CR-16/configuration');
    t.equal(conf.status, 200);
    t.same((await model('CR-16')).map((v) => [v.component.name, v.variable.name, v.attributes]), [
      ['OCPP16', 'ChargePointModel', [{ type: 'Actual', value: 'X1', mutability: 'ReadOnly' }]],
      ['OCPP16', 'HeartbeatInterval', [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }]],
    ], 'keys read through the typed route are stored');

    const changed = await server.apiJson('POST', '/stations/CR-16/ocpp/ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' });
    t.equal(changed.status, 200);
    t.equal(changed.body.result.status, 'RebootRequired');
    const rejected = await server.apiJson('PUT', '/stations/CR-16/configuration', { key: 'ChargePointModel', value: 'hacked' });
    t.equal(rejected.status, 200);
    const after = await model('CR-16', '?component=OCPP16');
    t.same(after.find((v) => v.variable.name === 'HeartbeatInterval')?.attributes, [{ type: 'Actual', value: '60', mutability: 'ReadWrite' }], 'RebootRequired through the generic route: stored, mutability kept');
    t.same(after.find((v) => v.variable.name === 'ChargePointModel')?.attributes, [{ type: 'Actual', value: 'X1', mutability: 'ReadOnly' }], 'Rejected: unchanged');
  });

  t.test('2.0.1: GetVariables values read and SetVariables values accepted', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CR-201', password: PASSWORD, version: 'ocpp2.0.1' });
    t.equal(((await client.call('BootNotification', bootPayload('ocpp2.0.1'))) as { status: string }).status, 'Accepted');
    client.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> }).getVariableData.map((d) =>
        d.variable.name === 'Nope'
          ? { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable }
          : { attributeStatus: 'Accepted', attributeValue: '300', component: d.component, variable: d.variable },
      ),
    }));
    client.handle('SetVariables', async ({ params }) => ({
      setVariableResult: (params as { setVariableData: Array<{ attributeType?: string; component: { name: string }; variable: { name: string } }> }).setVariableData.map((d) => ({
        attributeStatus: d.component.name === 'EVSE' ? 'Rejected' : 'Accepted',
        ...(d.attributeType ? { attributeType: d.attributeType } : {}),
        component: d.component,
        variable: d.variable,
      })),
    }));

    const got = await server.apiJson('POST', '/stations/CR-201/variables/get', {
      variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }, { component: 'Foo', variable: 'Nope' }],
    });
    t.equal(got.status, 200);
    t.same((await model('CR-201')).map((v) => [v.component.name, v.variable.name, v.attributes]), [
      ['OCPPCommCtrlr', 'HeartbeatInterval', [{ type: 'Actual', value: '300' }]],
    ], 'the value read is stored; UnknownVariable is not');

    const set = await server.apiJson('POST', '/stations/CR-201/ocpp/SetVariables', {
      setVariableData: [
        { attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
        { attributeValue: '16', attributeType: 'Target', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Current' } },
        { attributeValue: 'true', attributeType: 'Target', component: { name: 'Door' }, variable: { name: 'Locked' } },
      ],
    });
    t.equal(set.status, 200);
    t.same((await model('CR-201')).map((v) => [v.component.name, v.variable.name, v.attributes]), [
      ['Door', 'Locked', [{ type: 'Target', value: 'true' }]],
      ['OCPPCommCtrlr', 'HeartbeatInterval', [{ type: 'Actual', value: '60' }]],
    ], 'Accepted values stored under their attribute type; the Rejected EVSE current is not');
  });
});
