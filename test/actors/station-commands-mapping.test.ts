import t from 'tap';
import { WrongProtocolError } from '../../core/errors.js';
import type { LocalListEntry } from '../../core/local-list.js';
import { changeAvailability } from '../../actors/commands/change-availability.js';
import { changeConfiguration } from '../../actors/commands/change-configuration.js';
import { clearCache } from '../../actors/commands/clear-cache.js';
import { dataTransfer } from '../../actors/commands/data-transfer.js';
import { getConfiguration } from '../../actors/commands/get-configuration.js';
import { getVariables } from '../../actors/commands/get-variables.js';
import { localListVersion } from '../../actors/commands/local-list-version.js';
import { remoteStart } from '../../actors/commands/remote-start.js';
import { remoteStop } from '../../actors/commands/remote-stop.js';
import { reset } from '../../actors/commands/reset.js';
import { sendLocalList } from '../../actors/commands/send-local-list.js';
import { setVariables } from '../../actors/commands/set-variables.js';
import { transactionStatus } from '../../actors/commands/transaction-status.js';
import { triggerMessage } from '../../actors/commands/trigger-message.js';
import { unlockConnector } from '../../actors/commands/unlock-connector.js';
import * as sll16 from '../../actors/actions/ocpp16/send-local-list.js';
import * as sll2 from '../../actors/actions/ocpp2/send-local-list.js';

// The pure version mappings of the typed commands (no I/O): version-neutral input → OCPP call.

t.test('reset maps type names between versions', async (t) => {
  t.same(reset.toOcpp('ocpp1.6', { type: 'Immediate' }), { action: 'Reset', payload: { type: 'Hard' } });
  t.same(reset.toOcpp('ocpp1.6', { type: 'OnIdle' }), { action: 'Reset', payload: { type: 'Soft' } });
  t.same(reset.toOcpp('ocpp2.0.1', { type: 'Hard', evseId: 2 }), { action: 'Reset', payload: { type: 'Immediate', evseId: 2 } });
  t.same(reset.toOcpp('ocpp2.1', { type: 'Soft' }), { action: 'Reset', payload: { type: 'OnIdle' } });
  t.throws(() => reset.toOcpp('ocpp1.6', { type: 'Soft', evseId: 1 }), WrongProtocolError);
});

t.test('availability, unlock and trigger: EVSE N is 1.6 connector N', async (t) => {
  t.same(changeAvailability.toOcpp('ocpp1.6', { operative: false }), { action: 'ChangeAvailability', payload: { connectorId: 0, type: 'Inoperative' } });
  t.same(changeAvailability.toOcpp('ocpp1.6', { operative: true, evseId: 2 }).payload, { connectorId: 2, type: 'Operative' });
  t.same(changeAvailability.toOcpp('ocpp2.0.1', { operative: true, evseId: 2, connectorId: 1 }).payload, { operationalStatus: 'Operative', evse: { id: 2, connectorId: 1 } });
  t.same(changeAvailability.toOcpp('ocpp2.0.1', { operative: false }).payload, { operationalStatus: 'Inoperative' });
  t.throws(() => changeAvailability.toOcpp('ocpp2.1', { operative: true, connectorId: 1 }), WrongProtocolError);
  t.throws(() => changeAvailability.toOcpp('ocpp1.6', { operative: true, evseId: 1, connectorId: 2 }), WrongProtocolError);
  t.same(unlockConnector.toOcpp('ocpp1.6', { evseId: 3 }), { action: 'UnlockConnector', payload: { connectorId: 3 } });
  t.same(unlockConnector.toOcpp('ocpp2.0.1', { evseId: 3 }).payload, { evseId: 3, connectorId: 1 });
  t.same(triggerMessage.toOcpp('ocpp1.6', { message: 'StatusNotification', evseId: 1 }).payload, { requestedMessage: 'StatusNotification', connectorId: 1 });
  t.same(triggerMessage.toOcpp('ocpp2.0.1', { message: 'Heartbeat' }).payload, { requestedMessage: 'Heartbeat' });
  t.same(triggerMessage.toOcpp('ocpp2.1', { message: 'StatusNotification', evseId: 1, connectorId: 2 }).payload, { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 2 } });
});

t.test('configuration is 1.6, variables are 2.x', async (t) => {
  t.same(getConfiguration.toOcpp('ocpp1.6', { key: ['HeartbeatInterval'] }), { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] } });
  t.same(getConfiguration.toOcpp('ocpp1.6', {}).payload, {});
  t.throws(() => getConfiguration.toOcpp('ocpp2.0.1', { key: [] }), /variables\/get/);
  t.throws(() => changeConfiguration.toOcpp('ocpp2.1', { key: 'a', value: 'b' }), /variables\/set/);
  t.throws(() => getVariables.toOcpp('ocpp1.6', { variables: [] }), /configuration/);
  t.throws(() => setVariables.toOcpp('ocpp1.6', { variables: [] }), WrongProtocolError);
  t.same(changeConfiguration.toOcpp('ocpp1.6', { key: 'HeartbeatInterval', value: '60' }).payload, { key: 'HeartbeatInterval', value: '60' });
  t.same(
    getVariables.toOcpp('ocpp2.0.1', { variables: [{ component: 'EVSE', evseId: 1, variable: 'Power', attributeType: 'MaxSet' }] }).payload,
    { getVariableData: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, attributeType: 'MaxSet' }] },
  );
  t.same(
    setVariables.toOcpp('ocpp2.1', { variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval', value: '60' }] }).payload,
    { setVariableData: [{ attributeValue: '60', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] },
  );
});

t.test('data transfer encodes non-string data for 1.6 only; clear cache is the same everywhere', async (t) => {
  t.same(dataTransfer.toOcpp('ocpp1.6', { vendorId: 'V', data: { a: 1 } }).payload, { vendorId: 'V', data: '{"a":1}' });
  t.same(dataTransfer.toOcpp('ocpp1.6', { vendorId: 'V', data: 'x' }).payload, { vendorId: 'V', data: 'x' });
  t.same(dataTransfer.toOcpp('ocpp2.0.1', { vendorId: 'V', data: { a: 1 } }).payload, { vendorId: 'V', data: { a: 1 } });
  for (const v of ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const) t.same(clearCache.toOcpp(v, {}), { action: 'ClearCache', payload: {} });
});

t.test('remote start and stop pick each version\'s action', async (t) => {
  t.same(remoteStart.toOcpp('ocpp1.6', { idToken: 'TAG', evseId: 2 }), { action: 'RemoteStartTransaction', payload: { idTag: 'TAG', connectorId: 2 } });
  t.same(remoteStart.toOcpp('ocpp1.6', { idToken: 'TAG' }).payload, { idTag: 'TAG' });
  t.throws(() => remoteStart.toOcpp('ocpp1.6', { idToken: 'X'.repeat(21) }), { code: 'VALIDATION_FAILED' });
  t.same(remoteStart.toOcpp('ocpp2.0.1', { idToken: 'T', type: 'Central', evseId: 1 }), {
    action: 'RequestStartTransaction',
    payload: { idToken: { idToken: 'T', type: 'Central' }, evseId: 1 },
  }, 'remoteStartId is left to prepare');
  t.same(remoteStart.toOcpp('ocpp2.1', { idToken: 'T' }).payload, { idToken: { idToken: 'T', type: 'ISO14443' } });
  t.same(remoteStop.toOcpp('ocpp1.6', { transactionId: 'abc', ocppTransactionId: 7 }), { action: 'RemoteStopTransaction', payload: { transactionId: 7 } });
  t.same(remoteStop.toOcpp('ocpp1.6', { transactionId: '42' }).payload, { transactionId: 42 }, 'a numeric id is the station\'s own');
  t.throws(() => remoteStop.toOcpp('ocpp1.6', { transactionId: 'abc' }), { code: 'TRANSACTION_NOT_FOUND' });
  t.same(remoteStop.toOcpp('ocpp2.0.1', { transactionId: 'abc' }), { action: 'RequestStopTransaction', payload: { transactionId: 'abc' } });
});

t.test('transaction status is 2.x only; its answer reads back', async (t) => {
  t.throws(() => transactionStatus.toOcpp('ocpp1.6', { transactionId: 'x' }), /only in OCPP 2\.0\.1 and 2\.1/);
  t.same(transactionStatus.toOcpp('ocpp2.1', { transactionId: 'x' }), { action: 'GetTransactionStatus', payload: { transactionId: 'x' } });
  t.same(transactionStatus.fromOcpp('ocpp2.0.1', { messagesInQueue: false }), { ongoingIndicator: null, messagesInQueue: false });
  t.same(transactionStatus.fromOcpp('ocpp2.0.1', { ongoingIndicator: true, messagesInQueue: true }), { ongoingIndicator: true, messagesInQueue: true });
});

t.test('local lists: each version\'s shape, read back to the same entries', async (t) => {
  const entries: LocalListEntry[] = [
    { idToken: 'A', type: 'ISO14443', status: 'Accepted', expiresAt: '2030-01-01T00:00:00.000Z', groupId: 'G' },
    { idToken: 'B', type: 'ISO14443' },
  ];
  const v16 = sendLocalList.toOcpp('ocpp1.6', { updateType: 'Differential', version: 3, entries });
  t.same(v16, {
    action: 'SendLocalList',
    payload: {
      listVersion: 3,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted', expiryDate: '2030-01-01T00:00:00.000Z', parentIdTag: 'G' } }, { idTag: 'B' }],
    },
  });
  t.same(sll16.localListUpdateOf(v16.payload as unknown as sll16.SendLocalListRequest16), { updateType: 'Differential', version: 3, entries });
  const v2 = sendLocalList.toOcpp('ocpp2.0.1', { updateType: 'Full', version: 5, entries: [{ idToken: 'X', type: 'Central', status: 'Blocked', groupId: 'G' }] });
  t.same(v2.payload, {
    versionNumber: 5,
    updateType: 'Full',
    localAuthorizationList: [{ idToken: { idToken: 'X', type: 'Central' }, idTokenInfo: { status: 'Blocked', groupIdToken: { idToken: 'G', type: 'Central' } } }],
  });
  t.same(sll2.localListUpdateOf(v2.payload as unknown as sll2.SendLocalListRequest2), { updateType: 'Full', version: 5, entries: [{ idToken: 'X', type: 'Central', status: 'Blocked', groupId: 'G' }] });
  t.same(sendLocalList.toOcpp('ocpp1.6', { updateType: 'Full', version: 1, entries: [] }).payload, { listVersion: 1, updateType: 'Full' }, 'an empty list clears');
  t.same(sendLocalList.toOcpp('ocpp1.6', { updateType: 'Full', version: 1, entries: [{ idToken: 'N', type: 'ISO14443', status: 'NoCredit' }] }).payload, {
    listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'N', idTagInfo: { status: 'Invalid' } }],
  }, '1.6 has no NoCredit');
  t.equal(localListVersion.fromOcpp('ocpp1.6', { listVersion: 4 }), 4);
  t.equal(localListVersion.fromOcpp('ocpp2.1', { versionNumber: 6 }), 6);
  t.same(localListVersion.toOcpp('ocpp2.0.1', {}), { action: 'GetLocalListVersion', payload: {} });
});
