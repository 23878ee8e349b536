import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12 configuration templates with strict ocpp-rpc stations: a template per model with
// 2.x variables and 1.6 keys; the full provisioning flow (Pending boot → GetBaseReport → paged
// NotifyReport → drift → template applied → Accepted on the triggered boot); a 1.6 station gets
// its keys by ChangeConfiguration; bulk apply by model with per-station outcomes.

const PASSWORD = 'config-templates-pw';

interface Ref { name: string; evse?: { id: number } }
type SetData = { setVariableData: Array<{ attributeValue: string; attributeType?: string; component: Ref; variable: Ref }> };

t.test('configuration templates', async (t) => {
  const server = await startServer(t);
  for (const id of ['CT-201', 'CT-16', 'CT-OTHER']) await server.registerStation(id, PASSWORD);

  const template = {
    description: 'Roadrunner defaults',
    match: { vendor: 'ACME', model: 'Roadrunner' },
    settings: [
      { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '600' },
      { component: 'EVSE', evseId: 1, variable: 'Power', attributeType: 'MaxSet', value: '22000' },
      { component: 'AuthCtrlr', variable: 'LocalPreAuthorize', value: 'true' },
      { component: 'OCPP16', variable: 'HeartbeatInterval', value: '600' },
      { component: 'OCPP16', variable: 'MeterValueSampleInterval', value: '60' },
    ],
  };

  t.test('REST: create, validate, read, list, replace, tenant-scoped, delete', async (t) => {
    const created = await server.apiJson('PUT', '/config-templates/roadrunner', template);
    t.equal(created.status, 201);
    t.match(created.body, { name: 'roadrunner', match: { vendor: 'ACME', model: 'Roadrunner' }, settings: template.settings });
    t.equal(created.body.tenantId, undefined, 'the tenant is implied by the key, not shown');
    t.equal((await server.apiJson('PUT', '/config-templates/roadrunner', template)).status, 200, 'replaced');
    const twice = await server.apiJson('PUT', '/config-templates/bad', {
      settings: [
        { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '1' },
        { component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '2' },
        { component: 'OCPP16', evseId: 1, variable: 'X', value: '1' },
      ],
    });
    t.equal(twice.status, 400);
    t.equal(twice.body.code, 'VALIDATION_FAILED');
    t.equal(twice.body.details.problems.length, 2, 'every problem named');
    t.equal((await server.apiJson('PUT', '/config-templates/bad', { settings: [] })).status, 400, 'no settings');
    t.equal((await server.apiJson('PUT', '/config-templates/has%20space', template)).status, 400, 'names are identifiers');
    t.equal((await server.apiJson('GET', '/config-templates/bad')).status, 404);
    t.same((await server.apiJson('GET', '/config-templates')).body.items.map((x: { name: string }) => x.name), ['roadrunner']);
    t.equal((await server.apiJson('PUT', '/config-templates/spare', template)).status, 201);
    t.equal((await server.apiJson('DELETE', '/config-templates/spare')).status, 204);
    const gone = await server.apiJson('DELETE', '/config-templates/spare');
    t.equal(gone.status, 404);
    t.equal(gone.body.code, 'TEMPLATE_NOT_FOUND');
  });

  t.test('2.0.1 provisioning: Pending boot, base report, drift, template applied, accepted', async (t) => {
    t.equal((await server.apiJson('PUT', '/stations/CT-201/boot-policy', { registrationStatus: 'Pending' })).status, 200);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CT-201', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await client.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Pending' });

    // The station reports its device model in two pages after GetBaseReport.
    let reported: Promise<unknown> | undefined;
    client.handle('GetBaseReport', async ({ params }) => {
      const { requestId } = params as { requestId: number };
      const now = new Date().toISOString();
      const variable = (component: Ref, name: string, value: string, type = 'Actual') => ({
        component, variable: { name }, variableAttribute: [{ type, value, mutability: 'ReadWrite' }],
      });
      reported = new Promise((r) => setTimeout(r, 10))
        .then(() => client.call('NotifyReport', { requestId, generatedAt: now, seqNo: 0, tbc: true, reportData: [variable({ name: 'OCPPCommCtrlr' }, 'HeartbeatInterval', '300')] }))
        .then(() => client.call('NotifyReport', { requestId, generatedAt: now, seqNo: 1, tbc: false, reportData: [variable({ name: 'EVSE', evse: { id: 1 } }, 'Power', '22000', 'MaxSet'), variable({ name: 'AuthCtrlr' }, 'LocalPreAuthorize', 'True')] }));
      return { status: 'Accepted' };
    });
    t.equal((await server.apiJson('POST', '/stations/CT-201/ocpp/GetBaseReport', { requestId: 7, reportBase: 'FullInventory' })).status, 200);
    await reported;

    const before = await server.apiJson('GET', '/stations/CT-201/config-drift?template=roadrunner');
    t.equal(before.status, 200);
    t.equal(before.body.protocol, 'ocpp2.0.1');
    t.same(before.body.items.map((i: { setting: { variable: string }; actual: string | null; status: string }) => [i.setting.variable, i.actual, i.status]), [
      ['HeartbeatInterval', '300', 'differs'],
      ['Power', '22000', 'ok'],
      ['LocalPreAuthorize', 'True', 'ok'],
    ], 'only the 2.x settings; booleans compare in any case');
    t.equal(before.body.differs, 1);

    const sent: SetData[] = [];
    client.handle('SetVariables', async ({ params }) => {
      const data = params as SetData;
      sent.push(data);
      return {
        setVariableResult: data.setVariableData.map((d) => ({
          attributeStatus: d.variable.name === 'HeartbeatInterval' ? 'Accepted' : 'RebootRequired',
          ...(d.attributeType ? { attributeType: d.attributeType } : {}),
          component: d.component,
          variable: d.variable,
        })),
      };
    });
    const applied = await server.apiJson('POST', '/config-templates/roadrunner/apply', { stationIds: ['CT-201'] });
    t.equal(applied.status, 200);
    t.match(applied.body.results[0], { stationId: 'CT-201', protocol: 'ocpp2.0.1', status: 'applied', rebootRequired: true });
    t.same(applied.body.results[0].items.map((i: { status: string }) => i.status), ['Accepted', 'RebootRequired', 'RebootRequired']);
    t.same(sent[0]!.setVariableData.map((d) => [d.component.name, d.component.evse?.id, d.variable.name, d.attributeType, d.attributeValue]), [
      ['OCPPCommCtrlr', undefined, 'HeartbeatInterval', undefined, '600'],
      ['EVSE', 1, 'Power', 'MaxSet', '22000'],
      ['AuthCtrlr', undefined, 'LocalPreAuthorize', undefined, 'true'],
    ], 'one SetVariables with the 2.x settings, no 1.6 keys');

    const after = await server.apiJson('GET', '/stations/CT-201/config-drift?template=roadrunner');
    t.equal(after.body.differs, 0, 'what the station took is in its device model: no drift left');

    // Provisioned: the operator accepts the station, which boots again when triggered.
    let booted: Promise<unknown> | undefined;
    client.handle('TriggerMessage', async () => {
      booted = new Promise((r) => setTimeout(r, 10)).then(() => client.call('BootNotification', { ...bootPayload('ocpp2.0.1'), reason: 'Triggered' }));
      return { status: 'Accepted' };
    });
    t.equal((await server.apiJson('PUT', '/stations/CT-201/boot-policy', { registrationStatus: 'Accepted' })).status, 200);
    t.equal((await server.apiJson('POST', '/stations/CT-201/trigger', { message: 'BootNotification' })).status, 200);
    t.match(await booted, { status: 'Accepted' });
  });

  t.test('1.6: keys by ChangeConfiguration, one rejected; drift from GetConfiguration', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CT-16', password: PASSWORD, version: 'ocpp1.6' });
    t.match(await client.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' });
    client.handle('GetConfiguration', async () => ({
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '300' },
        { key: 'MeterValueSampleInterval', readonly: false, value: '60' },
      ],
    }));
    t.equal((await server.apiJson('GET', '/stations/CT-16/configuration')).status, 200);
    const before = await server.apiJson('GET', '/stations/CT-16/config-drift?template=roadrunner');
    t.same(before.body.items.map((i: { setting: { variable: string }; status: string }) => [i.setting.variable, i.status]), [
      ['HeartbeatInterval', 'differs'],
      ['MeterValueSampleInterval', 'ok'],
    ]);

    const keys: string[] = [];
    client.handle('ChangeConfiguration', async ({ params }) => {
      const { key } = params as { key: string };
      keys.push(key);
      return { status: key === 'MeterValueSampleInterval' ? 'Rejected' : 'Accepted' };
    });
    const applied = await server.apiJson('POST', '/config-templates/roadrunner/apply', { stationIds: ['CT-16'] });
    t.equal(applied.status, 200);
    t.match(applied.body.results[0], { stationId: 'CT-16', protocol: 'ocpp1.6', status: 'partial', rebootRequired: false });
    t.same(keys, ['HeartbeatInterval', 'MeterValueSampleInterval'], 'only the 1.6 keys, one call each');
    const after = await server.apiJson('GET', '/stations/CT-16/config-drift?template=roadrunner');
    t.equal(after.body.differs, 0, 'the accepted key is stored; the rejected one already matched');
  });

  t.test('bulk apply by model: matching stations only, offline ones reported', async (t) => {
    // The stations of the subtests above reconnect (their clients ended with them); CT-OTHER is another model.
    const v201 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CT-201', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await v201.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' });
    v201.handle('SetVariables', async ({ params }) => ({
      setVariableResult: (params as SetData).setVariableData.map((d) => ({ attributeStatus: 'Accepted', ...(d.attributeType ? { attributeType: d.attributeType } : {}), component: d.component, variable: d.variable })),
    }));
    const v16 = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CT-16', password: PASSWORD, version: 'ocpp1.6' });
    t.match(await v16.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' });
    v16.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
    const other = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CT-OTHER', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await other.call('BootNotification', bootPayload('ocpp2.0.1', { model: 'Coyote' })), { status: 'Accepted' });
    let otherAsked = false;
    other.handle('SetVariables', async () => {
      otherAsked = true;
      return { setVariableResult: [] };
    });

    const bulk = await server.apiJson('POST', '/config-templates/roadrunner/apply', {});
    t.equal(bulk.status, 200);
    t.same(bulk.body.results.map((r: { stationId: string }) => r.stationId).sort(), ['CT-16', 'CT-201'], 'matched by vendor and model');
    t.same(bulk.body.summary, { applied: 2 });
    t.notOk(otherAsked, 'the other model was not touched');

    await server.apiJson('PUT', '/config-templates/coyote', { match: { model: 'Coyote' }, settings: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '900' }] });
    await other.close();
    const offline = await server.apiJson('POST', '/config-templates/coyote/apply', {});
    t.match(offline.body.results, [{ stationId: 'CT-OTHER', status: 'not-connected', items: [{ status: 'NotSent' }] }], 'an offline station is reported, not an error');
    t.equal((await server.apiJson('POST', '/config-templates/coyote/apply', { stationIds: ['NOPE'] })).status, 404);
    t.equal((await server.apiJson('GET', '/stations/CT-16/config-drift?template=nope')).status, 404);
  });
});
