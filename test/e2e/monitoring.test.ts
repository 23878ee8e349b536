import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// Issue #12 block N: the monitoring actions as typed REST commands, against strict ocpp-rpc
// stations (which check every request against the official 2.0.1 schemas).

const PASSWORD = 'monitoring-pw-0001';

t.test('monitoring commands', async (t) => {
  const server = await startServer(t);
  await server.registerStation('MON-201', PASSWORD);
  await server.registerStation('MON-16', PASSWORD);

  t.test('2.0.1: set, clear, base, level, and a report that arrives in two pages', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'MON-201', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await client.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Accepted' });
    const received: Record<string, unknown[]> = {};
    const note = (action: string, params: unknown) => (received[action] ??= []).push(params);

    client.handle('SetVariableMonitoring', async ({ params }) => {
      note('SetVariableMonitoring', params);
      const data = (params as { setMonitoringData: Array<{ type: string; severity: number; component: object; variable: object }> }).setMonitoringData;
      return { setMonitoringResult: data.map((d, i) => ({ id: 10 + i, status: 'Accepted', type: d.type, severity: d.severity, component: d.component, variable: d.variable })) };
    });
    const set = await server.apiJson('POST', '/stations/MON-201/monitoring', {
      monitors: [
        { component: 'EVSE', evseId: 1, variable: 'Power', type: 'UpperThreshold', value: 22000, severity: 4 },
        { component: 'ChargingStation', variable: 'Temperature', type: 'Periodic', value: 60, severity: 8, transaction: true },
      ],
    });
    t.equal(set.status, 200);
    t.same(set.body.result.setMonitoringResult.map((r: { id: number; status: string }) => [r.id, r.status]), [[10, 'Accepted'], [11, 'Accepted']]);
    t.match(received.SetVariableMonitoring![0], {
      setMonitoringData: [
        { value: 22000, type: 'UpperThreshold', severity: 4, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } },
        { value: 60, type: 'Periodic', severity: 8, transaction: true, component: { name: 'ChargingStation' }, variable: { name: 'Temperature' } },
      ],
    });
    t.equal((await server.apiJson('POST', '/stations/MON-201/monitoring', { monitors: [{ component: 'X', variable: 'Y', type: 'Delta', value: 1, severity: 12 }] })).status, 400, 'severity beyond 9');

    client.handle('ClearVariableMonitoring', async ({ params }) => {
      note('ClearVariableMonitoring', params);
      return { clearMonitoringResult: (params as { id: number[] }).id.map((id) => ({ id, status: id === 10 ? 'Accepted' : 'NotFound' })) };
    });
    const cleared = await server.apiJson('POST', '/stations/MON-201/monitoring/clear', { ids: [10, 99] });
    t.equal(cleared.status, 200);
    t.same(received.ClearVariableMonitoring, [{ id: [10, 99] }]);

    client.handle('SetMonitoringBase', async ({ params }) => (note('SetMonitoringBase', params), { status: 'Accepted' }));
    client.handle('SetMonitoringLevel', async ({ params }) => (note('SetMonitoringLevel', params), { status: 'Accepted' }));
    t.match(await server.apiJson('PUT', '/stations/MON-201/monitoring/base', { base: 'FactoryDefault' }), { status: 200, body: { action: 'SetMonitoringBase', result: { status: 'Accepted' } } });
    t.match(await server.apiJson('PUT', '/stations/MON-201/monitoring/level', { severity: 5 }), { status: 200, body: { result: { status: 'Accepted' } } });
    t.same(received.SetMonitoringBase, [{ monitoringBase: 'FactoryDefault' }]);
    t.same(received.SetMonitoringLevel, [{ severity: 5 }]);

    let pages: Promise<unknown> | undefined;
    client.handle('GetMonitoringReport', async ({ params }) => {
      note('GetMonitoringReport', params);
      const { requestId } = params as { requestId: number };
      const monitor = (id: number) => ({
        component: { name: 'EVSE', evse: { id: 1 } },
        variable: { name: 'Power' },
        variableMonitoring: [{ id, transaction: false, value: 22000, type: 'UpperThreshold', severity: 4 }],
      });
      const generatedAt = new Date().toISOString();
      pages = new Promise((r) => setTimeout(r, 10))
        .then(() => client.call('NotifyMonitoringReport', { requestId, seqNo: 0, tbc: true, generatedAt, monitor: [monitor(10)] }))
        .then(() => client.call('NotifyMonitoringReport', { requestId, seqNo: 1, tbc: false, generatedAt, monitor: [monitor(11)] }));
      return { status: 'Accepted' };
    });
    const report = await server.apiJson('POST', '/stations/MON-201/monitoring/report', { criteria: ['ThresholdMonitoring'] });
    t.equal(report.status, 200);
    const requestId = report.body.facts.requestId as number;
    t.type(requestId, 'number', 'the CSMS allocated the requestId');
    t.match(received.GetMonitoringReport![0], { requestId, monitoringCriteria: ['ThresholdMonitoring'] });
    await pages;
    const request = await server.apiJson('GET', `/stations/MON-201/requests/${requestId}`);
    t.match(request.body, { action: 'GetMonitoringReport', status: 'complete', parts: 2 }, 'both pages correlated');
  });

  t.test('1.6: monitoring does not exist, 400 WRONG_PROTOCOL, nothing sent', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'MON-16', password: PASSWORD, version: 'ocpp1.6' });
    t.match(await client.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted' });
    const refused = await server.apiJson('PUT', '/stations/MON-16/monitoring/level', { severity: 5 });
    t.equal(refused.status, 400);
    t.equal(refused.body.code, 'WRONG_PROTOCOL');
  });
});
