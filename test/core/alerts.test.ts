import t from 'tap';
import { CRITICAL_SECURITY_EVENTS, alertOfSecurityEvent, alertOfStatus16, alertsOfEvents } from '../../core/alerts.js';

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
