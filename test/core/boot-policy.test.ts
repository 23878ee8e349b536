import t from 'tap';
import { bootAnswer, refusedBeforeAccepted, requestedFollowUp, triggeredAction } from '../../core/boot-policy.js';

t.test('bootAnswer: the station’s status and interval, else Accepted and the CSMS default', async (t) => {
  t.same(bootAnswer(undefined, 300), { status: 'Accepted', interval: 300 }, 'not registered yet');
  t.same(bootAnswer({ registrationStatus: 'Accepted', heartbeatIntervalSec: null }, 300), { status: 'Accepted', interval: 300 });
  t.same(bootAnswer({ registrationStatus: 'Pending', heartbeatIntervalSec: 60 }, 300), { status: 'Pending', interval: 60 });
  t.same(bootAnswer({ registrationStatus: 'Rejected', heartbeatIntervalSec: null }, 30), { status: 'Rejected', interval: 30 });
});

t.test('refusedBeforeAccepted: 2.x calls other than BootNotification and triggered ones, while Pending or Rejected', async (t) => {
  const none = new Set<string>();
  for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    for (const registration of ['Pending', 'Rejected']) {
      t.ok(refusedBeforeAccepted(version, registration, 'Heartbeat', none), `${version} ${registration}: Heartbeat refused`);
      t.ok(refusedBeforeAccepted(version, registration, 'StatusNotification', none), `${version} ${registration}: StatusNotification refused`);
      t.notOk(refusedBeforeAccepted(version, registration, 'BootNotification', none), `${version} ${registration}: BootNotification allowed`);
      t.notOk(refusedBeforeAccepted(version, registration, 'StatusNotification', new Set(['StatusNotification'])), 'a triggered message is allowed');
    }
    t.notOk(refusedBeforeAccepted(version, 'Accepted', 'Heartbeat', none), 'Accepted: everything allowed');
    t.notOk(refusedBeforeAccepted(version, null, 'Heartbeat', none), 'no boot answered on this connection: not held back');
  }
  t.notOk(refusedBeforeAccepted('ocpp1.6', 'Pending', 'Heartbeat', none), '1.6 has no such rule');
  t.notOk(refusedBeforeAccepted('ocpp1.6', 'Rejected', 'StatusNotification', none));
});

t.test('triggeredAction: what a requestedMessage makes the station send', async (t) => {
  t.equal(triggeredAction('StatusNotification'), 'StatusNotification');
  t.equal(triggeredAction('BootNotification'), 'BootNotification');
  t.equal(triggeredAction('SignChargingStationCertificate'), 'SignCertificate');
  t.equal(triggeredAction('SignV2GCertificate'), 'SignCertificate');
  t.equal(triggeredAction('SignCombinedCertificate'), 'SignCertificate');
});

t.test('requestedFollowUp: what the station may send while Pending because the CSMS asked', async (t) => {
  t.equal(requestedFollowUp('TriggerMessage', { requestedMessage: 'StatusNotification' }), 'StatusNotification');
  t.equal(requestedFollowUp('TriggerMessage', { requestedMessage: 'SignV2GCertificate' }), 'SignCertificate');
  t.equal(requestedFollowUp('TriggerMessage', {}), undefined);
  t.equal(requestedFollowUp('GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }), 'NotifyReport', 'B02 provisioning: the report pages');
  t.equal(requestedFollowUp('GetReport', { requestId: 1 }), 'NotifyReport');
  t.equal(requestedFollowUp('GetMonitoringReport', { requestId: 1 }), 'NotifyMonitoringReport');
  t.equal(requestedFollowUp('SetVariables', {}), undefined, 'a plain request has no follow-up message');
});
