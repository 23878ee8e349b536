import t from 'tap';
import { CRITICAL_SECURITY_EVENTS, alertOfSecurityEvent, alertOfStatus16, alertSubject, alertsOfEvents, clearedByStatus16, nextAlertState } from '../../core/alerts.js';

const at = '2026-03-01T00:00:00.000Z';

t.test('alertOfStatus16: an errorCode other than NoError', async (t) => {
  t.equal(alertOfStatus16({ connectorId: 1, errorCode: 'NoError', status: 'Available' }, at), undefined);
  t.same(alertOfStatus16({ connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', vendorErrorCode: 'E7', info: 'rcd' }, at), {
    type: 'GroundFailure',
    at,
    payload: { source: 'connector-status', cleared: false, connectorId: 2, status: 'Faulted', info: 'rcd', vendorErrorCode: 'E7' },
  });
  t.equal(alertOfStatus16({ connectorId: 0, errorCode: 'EVCommunicationError', status: 'SuspendedEV' }, at)?.type, 'EVCommunicationError', 'also when the status is not Faulted');
});

t.test('alertsOfEvents: the Problem variable and monitor alerts; cleared when reported over', async (t) => {
  const base = { eventId: 1, timestamp: at, trigger: 'Alerting', actualValue: 'true', component: { name: 'Door' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification' };
  const alerts = alertsOfEvents([
    base,
    { ...base, eventId: 2, actualValue: 'false' },
    { ...base, eventId: 3, trigger: 'Delta', variable: { name: 'Problem' }, actualValue: 'TRUE' },
    { ...base, eventId: 4, variable: { name: 'Temperature' }, actualValue: '90', eventNotificationType: 'CustomMonitor', component: { name: 'EVSE', evse: { id: 1 } }, techCode: 'T1' },
    { ...base, eventId: 5, variable: { name: 'Temperature' }, actualValue: '20', eventNotificationType: 'CustomMonitor', cleared: true },
    { ...base, eventId: 6, variable: { name: 'AvailabilityState' }, actualValue: 'Occupied', trigger: 'Delta', eventNotificationType: 'HardWiredNotification' },
    { ...base, eventId: 7, variable: { name: 'Power' }, actualValue: '1', trigger: 'Periodic', eventNotificationType: 'CustomMonitor' },
    { ...base, eventId: 8, variable: { name: 'Enabled' }, actualValue: 'false', trigger: 'Alerting', eventNotificationType: 'HardWiredNotification' },
  ]);
  t.same(alerts.map((a) => [a.payload.eventId, a.type, a.payload.cleared]), [
    [1, 'Door.Problem', false],
    [2, 'Door.Problem', true],
    [3, 'Door.Problem', false],
    [4, 'EVSE.Temperature', false],
    [5, 'Door.Temperature', true],
  ], 'Delta/Periodic reports and plain notifications of other variables are not alerts');
  t.match(alerts[3], { at, payload: { source: 'device-event', component: { name: 'EVSE', evseId: 1 }, variable: { name: 'Temperature' }, actualValue: '90', techCode: 'T1', trigger: 'Alerting' } });
});

t.test('alertOfSecurityEvent: critical types only', async (t) => {
  t.same(alertOfSecurityEvent({ type: 'TamperDetectionActivated', timestamp: at, techInfo: 'lid' }), { type: 'TamperDetectionActivated', at, payload: { source: 'security-event', cleared: false, techInfo: 'lid' } });
  t.equal(alertOfSecurityEvent({ type: 'InvalidMessages', timestamp: at }), undefined);
  t.equal(alertOfSecurityEvent({ type: 'VendorSpecific', timestamp: at }), undefined);
  t.ok(CRITICAL_SECURITY_EVENTS.has('SecurityLogWasCleared'));
});

t.test('alert states: a key per subject, opened, cleared, reopened; older records change nothing', async (t) => {
  const rec = (at: string, cleared: boolean, payload: Record<string, unknown> = {}) => ({
    tenantId: 't', stationId: 'S', type: 'Door.Problem', at,
    payload: { source: 'device-event', cleared, component: { name: 'Door', evseId: 2 }, variable: { name: 'Problem' }, ...payload },
  });
  t.same(alertSubject({ type: 'GroundFailure', payload: { source: 'connector-status', connectorId: 3 } }), { key: 'connector:3/1:GroundFailure', evseId: 3, connectorId: 1 });
  t.same(alertSubject({ type: 'X', payload: { source: 'connector-status', connectorId: 0 } }).evseId, 0, '1.6 connector 0 is the station');
  t.not(alertSubject(rec('a', false)).key, alertSubject(rec('a', false, { component: { name: 'Door', evseId: 3 } })).key, 'another EVSE, another alert');
  t.equal(alertSubject({ type: 'MemoryExhaustion', payload: { source: 'security-event' } }).key, 'security-event:MemoryExhaustion');
  const opened = nextAlertState(undefined, rec('2026-01-01T00:00:01Z', false));
  t.match(opened, { state: 'open', openedAt: '2026-01-01T00:00:01Z', clearedAt: null, count: 1, evseId: 2 });
  const cleared = nextAlertState(opened, rec('2026-01-01T00:00:05Z', true));
  t.match(cleared, { state: 'cleared', openedAt: '2026-01-01T00:00:01Z', clearedAt: '2026-01-01T00:00:05Z', count: 1 });
  t.equal(nextAlertState(cleared, rec('2026-01-01T00:00:02Z', false)), cleared, 'a late, older record changes nothing');
  t.match(nextAlertState(cleared, rec('2026-01-01T00:00:09Z', true)), { clearedAt: '2026-01-01T00:00:05Z' }, 'cleared twice: the first time stays');
  t.match(nextAlertState(cleared, rec('2026-01-01T00:00:09Z', false)), { state: 'open', openedAt: '2026-01-01T00:00:09Z', clearedAt: null, count: 2 });
  t.match(nextAlertState(undefined, rec('2026-01-01T00:00:01Z', true)), { state: 'cleared', count: 0 }, 'a clear never seen open is kept as cleared');

  const ground = nextAlertState(undefined, { tenantId: 't', stationId: 'S', type: 'GroundFailure', at: '2026-01-01T00:00:01Z', payload: { source: 'connector-status', cleared: false, connectorId: 2 } });
  const status = (errorCode: string, reportedAt = '2026-01-01T00:00:02Z', evseId = 2) => ({ evseId, connectorId: 1, errorCode, reportedAt });
  t.equal(clearedByStatus16(ground, status('NoError')), true, 'NoError clears');
  t.equal(clearedByStatus16(ground, status('OverVoltage')), true, 'another error: this one is over');
  t.equal(clearedByStatus16(ground, status('GroundFailure')), false, 'the same error again keeps it');
  t.equal(clearedByStatus16(ground, status('NoError', '2026-01-01T00:00:00Z')), false, 'an older status does not');
  t.equal(clearedByStatus16(ground, status('NoError', undefined, 3)), false, 'another connector does not');
  t.equal(clearedByStatus16(opened, status('NoError', undefined, 2)), false, 'device events are cleared by the station, not by statuses');
});

t.test('alert subjects of truncated payloads stay well-formed', async (t) => {
  t.same(alertSubject({ type: 'GroundFailure', payload: { source: 'connector-status', truncated: true } }), { key: 'connector:?:GroundFailure', evseId: null, connectorId: null });
  t.same(alertSubject({ type: 'A.B', payload: { source: 'device-event', component: { name: 'A', evseId: 'x' } } }).evseId, null);
});

t.test('a profile-compliance alert is one per EVSE', async (t) => {
  t.same(alertSubject({ type: 'ChargingProfileExceeded', payload: { source: 'profile-compliance', cleared: false, evseId: 2, transactionId: 'a' } }), { key: 'profile:2:ChargingProfileExceeded', evseId: 2, connectorId: null });
  t.same(alertSubject({ type: 'ChargingProfileExceeded', payload: { source: 'profile-compliance', cleared: true, evseId: 2, transactionId: 'b' } }).key, 'profile:2:ChargingProfileExceeded', 'another session on that EVSE: the same alert');
  t.same(alertSubject({ type: 'ChargingProfileExceeded', payload: { source: 'profile-compliance', cleared: false } }), { key: 'profile:?:ChargingProfileExceeded', evseId: null, connectorId: null });
});
