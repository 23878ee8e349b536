import t from 'tap';
import { startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, rpcErrorCode } from '../helpers/ocpp-clients.js';

// Issue #12 boot policy with strict ocpp-rpc clients: the operator sets a station Pending (and
// its heartbeat interval) through REST; its BootNotification is answered so; while Pending the
// CSMS still sends provisioning calls, a 2.0.1 station's other calls get CALLERROR SecurityError
// (B02.FR.09) except triggered ones; set Accepted and triggered to boot again, it is accepted.

const PASSWORD = 'boot-policy-pw-01';
const status201 = { evseId: 1, connectorId: 1, connectorStatus: 'Available' };

t.test('boot policy', async (t) => {
  const server = await startServer(t);
  await server.registerStation('BP-201', PASSWORD);
  await server.registerStation('BP-16', PASSWORD);

  t.test('REST: set, read back, validated, tenant-scoped', async (t) => {
    const set = await server.apiJson('PUT', '/stations/BP-201/boot-policy', { registrationStatus: 'Pending', heartbeatIntervalSec: 120 });
    t.equal(set.status, 200);
    t.same(set.body, { stationId: 'BP-201', registrationStatus: 'Pending', heartbeatIntervalSec: 120 });
    t.match((await server.apiJson('GET', '/stations/BP-201')).body, { registrationStatus: 'Pending', heartbeatIntervalSec: 120 });
    t.equal((await server.apiJson('PUT', '/stations/BP-201/boot-policy', { registrationStatus: 'Maybe' })).status, 400);
    t.equal((await server.apiJson('PUT', '/stations/BP-201/boot-policy', { heartbeatIntervalSec: 0 })).status, 400);
    t.equal((await server.apiJson('PUT', '/stations/BP-201/boot-policy', {})).status, 400);
    t.equal((await server.apiJson('PUT', '/stations/NOPE/boot-policy', { registrationStatus: 'Accepted' })).status, 404);
  });

  t.test('2.0.1: Pending boot, provisioning while Pending, SecurityError for other calls, accepted on the triggered boot', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'BP-201', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await client.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Pending', interval: 120 });
    t.equal(await rpcErrorCode(client.call('Heartbeat', {})), 'SecurityError', 'Heartbeat refused while Pending');
    t.equal(await rpcErrorCode(client.call('StatusNotification', { timestamp: new Date().toISOString(), ...status201 })), 'SecurityError', 'also the messages the gateway answers itself');
    t.equal(await rpcErrorCode(client.call('Authorize', { idToken: { idToken: 'A', type: 'ISO14443' } })), 'SecurityError');

    client.handle('GetVariables', async ({ params }) => ({
      getVariableResult: (params as { getVariableData: Array<{ component: object; variable: object }> }).getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: '1', ...d })),
    }));
    const provisioning = await server.apiJson('POST', '/stations/BP-201/variables/get', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] });
    t.equal(provisioning.status, 200, 'the CSMS may send while Pending (B02.FR.01)');
    t.equal(provisioning.body.result.getVariableResult[0].attributeStatus, 'Accepted');

    // A triggered message is allowed while Pending.
    let triggered: Promise<unknown> | undefined;
    client.handle('TriggerMessage', async ({ params }) => {
      const { requestedMessage } = params as { requestedMessage: string };
      triggered = new Promise((r) => setTimeout(r, 10)).then(() =>
        requestedMessage === 'BootNotification'
          ? client.call('BootNotification', { ...bootPayload('ocpp2.0.1'), reason: 'Triggered' })
          : client.call('StatusNotification', { timestamp: new Date().toISOString(), ...status201 }),
      );
      return { status: 'Accepted' };
    });
    t.equal((await server.apiJson('POST', '/stations/BP-201/trigger', { message: 'StatusNotification', evseId: 1, connectorId: 1 })).status, 200);
    t.same(await triggered, {}, 'the triggered StatusNotification is answered');
    t.equal(await rpcErrorCode(client.call('Heartbeat', {})), 'SecurityError', 'others still refused');

    t.equal((await server.apiJson('PUT', '/stations/BP-201/boot-policy', { registrationStatus: 'Accepted', heartbeatIntervalSec: null })).status, 200);
    t.equal((await server.apiJson('POST', '/stations/BP-201/trigger', { message: 'BootNotification' })).status, 200);
    t.match(await triggered, { status: 'Accepted', interval: 300 }, 'accepted on its triggered boot, with the default interval');
    t.match(await client.call('Heartbeat', {}), { currentTime: String });
  });

  t.test('2.0.1: Rejected', async (t) => {
    await server.registerStation('BP-201R', PASSWORD);
    t.equal((await server.apiJson('PUT', '/stations/BP-201R/boot-policy', { registrationStatus: 'Rejected' })).status, 200);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'BP-201R', password: PASSWORD, version: 'ocpp2.0.1' });
    t.match(await client.call('BootNotification', bootPayload('ocpp2.0.1')), { status: 'Rejected', interval: 300 });
    t.equal(await rpcErrorCode(client.call('Heartbeat', {})), 'SecurityError', 'B03.FR.07');
  });

  t.test('1.6: Pending answered with the interval; other calls answered as usual', async (t) => {
    t.equal((await server.apiJson('PUT', '/stations/BP-16/boot-policy', { registrationStatus: 'Pending', heartbeatIntervalSec: 45 })).status, 200);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'BP-16', password: PASSWORD, version: 'ocpp1.6' });
    t.match(await client.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Pending', interval: 45 });
    t.match(await client.call('Heartbeat', {}), { currentTime: String }, '1.6 has no SecurityError rule');
    t.equal((await server.apiJson('PUT', '/stations/BP-16/boot-policy', { registrationStatus: 'Accepted' })).status, 200);
    t.match(await client.call('BootNotification', bootPayload('ocpp1.6')), { status: 'Accepted', interval: 45 });
  });
});
