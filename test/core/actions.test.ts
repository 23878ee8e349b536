import t from 'tap';
import { isCsmsInitiated, isStationInitiated } from '../../core/actions.js';
import { compileVersionSchemas } from '../../core/schemas.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';

const known = new Map<OcppVersion, ReadonlySet<string>>(SUPPORTED_VERSIONS.map((v) => [v, compileVersionSchemas(v).actionNames]));

t.test('direction of actions per version', async (t) => {
  t.ok(isStationInitiated('ocpp1.6', 'BootNotification'));
  t.ok(isStationInitiated('ocpp1.6', 'StartTransaction'));
  t.notOk(isStationInitiated('ocpp1.6', 'RemoteStartTransaction'));
  t.ok(isStationInitiated('ocpp2.0.1', 'TransactionEvent'));
  t.notOk(isStationInitiated('ocpp2.0.1', 'NotifyPeriodicEventStream'));
  t.ok(isStationInitiated('ocpp2.1', 'NotifyPeriodicEventStream'));
  t.ok(isStationInitiated('ocpp2.1', 'TransactionEvent'), '2.1 includes the 2.0.1 set');
});

t.test('isCsmsInitiated: known, not from the station, DataTransfer both ways', async (t) => {
  for (const version of SUPPORTED_VERSIONS) {
    const names = known.get(version)!;
    t.ok(isCsmsInitiated(version, 'Reset', names), `${version} Reset`);
    t.ok(isCsmsInitiated(version, 'DataTransfer', names), `${version} DataTransfer`);
    t.notOk(isCsmsInitiated(version, 'BootNotification', names), `${version} BootNotification`);
    t.notOk(isCsmsInitiated(version, 'Heartbeat', names), `${version} Heartbeat`);
    t.notOk(isCsmsInitiated(version, 'NoSuchAction', names), `${version} unknown`);
    for (const action of names) {
      if (action !== 'DataTransfer') {
        t.equal(isCsmsInitiated(version, action, names), !isStationInitiated(version, action), `${version} ${action}`);
      }
    }
  }
  const known16 = known.get('ocpp1.6')!;
  t.ok(isCsmsInitiated('ocpp1.6', 'RemoteStartTransaction', known16));
  t.notOk(isCsmsInitiated('ocpp1.6', 'RequestStartTransaction', known16), '2.x name unknown in 1.6');
});

t.test('every station-initiated action of a version exists in its schemas', async (t) => {
  for (const version of SUPPORTED_VERSIONS) {
    const names = known.get(version)!;
    const listed = [
      'Authorize', 'BootNotification', 'DataTransfer', 'Heartbeat', 'MeterValues', 'StatusNotification',
      'FirmwareStatusNotification', 'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
    ];
    for (const action of listed) t.ok(names.has(action) && isStationInitiated(version, action), `${version} ${action}`);
  }
});
