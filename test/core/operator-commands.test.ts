import t from 'tap';
import * as map from '../../core/operator-commands.js';

t.test('reset maps type names between versions', async (t) => {
  t.same(map.mapReset('ocpp1.6', { type: 'Immediate' }), { action: 'Reset', payload: { type: 'Hard' } });
  t.same(map.mapReset('ocpp1.6', { type: 'OnIdle' }), { action: 'Reset', payload: { type: 'Soft' } });
  t.same(map.mapReset('ocpp2.0.1', { type: 'Hard', evseId: 2 }), { action: 'Reset', payload: { type: 'Immediate', evseId: 2 } });
  t.same(map.mapReset('ocpp2.1', { type: 'Soft' }), { action: 'Reset', payload: { type: 'OnIdle' } });
  t.throws(() => map.mapReset('ocpp1.6', { type: 'Soft', evseId: 1 }), map.WrongProtocolError);
});

t.test('availability, unlock and trigger: EVSE N is 1.6 connector N', async (t) => {
  t.same(map.mapAvailability('ocpp1.6', { operative: false }), { action: 'ChangeAvailability', payload: { connectorId: 0, type: 'Inoperative' } });
  t.same(map.mapAvailability('ocpp1.6', { operative: true, evseId: 2 }).payload, { connectorId: 2, type: 'Operative' });
  t.same(map.mapAvailability('ocpp2.0.1', { operative: true, evseId: 2, connectorId: 1 }).payload, { operationalStatus: 'Operative', evse: { id: 2, connectorId: 1 } });
  t.same(map.mapAvailability('ocpp2.0.1', { operative: false }).payload, { operationalStatus: 'Inoperative' });
  t.throws(() => map.mapAvailability('ocpp2.1', { operative: true, connectorId: 1 }), map.WrongProtocolError);
  t.same(map.mapUnlock('ocpp1.6', { evseId: 3 }), { action: 'UnlockConnector', payload: { connectorId: 3 } });
  t.same(map.mapUnlock('ocpp2.0.1', { evseId: 3 }).payload, { evseId: 3, connectorId: 1 });
  t.same(map.mapTrigger('ocpp1.6', { message: 'StatusNotification', evseId: 1 }).payload, { requestedMessage: 'StatusNotification', connectorId: 1 });
  t.same(map.mapTrigger('ocpp2.0.1', { message: 'Heartbeat' }).payload, { requestedMessage: 'Heartbeat' });
});

t.test('configuration is 1.6, variables are 2.x', async (t) => {
  t.same(map.mapGetConfiguration('ocpp1.6', ['HeartbeatInterval']), { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] } });
  t.same(map.mapGetConfiguration('ocpp1.6', undefined).payload, {});
  t.throws(() => map.mapGetConfiguration('ocpp2.0.1', []), /variables\/get/);
  t.throws(() => map.mapGetVariables('ocpp1.6', { variables: [] }), /configuration/);
  t.same(
    map.mapGetVariables('ocpp2.0.1', { variables: [{ component: 'EVSE', evseId: 1, variable: 'Power', attributeType: 'MaxSet' }] }).payload,
    { getVariableData: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, attributeType: 'MaxSet' }] },
  );
  t.same(
    map.mapSetVariables('ocpp2.1', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' }] }).payload,
    { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  );
});

t.test('data transfer encodes non-string data for 1.6 only', async (t) => {
  t.same(map.mapDataTransfer('ocpp1.6', { vendorId: 'V', data: { a: 1 } }).payload, { vendorId: 'V', data: '{"a":1}' });
  t.same(map.mapDataTransfer('ocpp2.0.1', { vendorId: 'V', data: { a: 1 } }).payload, { vendorId: 'V', data: { a: 1 } });
  t.same(map.mapClearCache(), { action: 'ClearCache', payload: {} });
});
