import t from 'tap';
import { checkPayload, compileVersionSchemas, describeViolation, type VersionSchemas } from '../../core/schemas.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../../core/protocols.js';

const compiled = new Map<OcppVersion, VersionSchemas>(SUPPORTED_VERSIONS.map((v) => [v, compileVersionSchemas(v)]));
const schemas = (v: OcppVersion): VersionSchemas => compiled.get(v)!;

function violationKind(version: OcppVersion, action: string, payload: unknown, part: 'request' | 'response' = 'request') {
  const validate = schemas(version).actions.get(action)?.[part];
  if (!validate) throw new Error(`no ${part} schema for ${action} in ${version}`);
  return checkPayload(validate, payload)?.kind;
}

t.test('every version compiles with the expected action count', async (t) => {
  t.equal(schemas('ocpp1.6').actions.size, 39);
  t.equal(schemas('ocpp2.0.1').actions.size, 64);
  t.equal(schemas('ocpp2.1').actions.size, 91);
  for (const version of SUPPORTED_VERSIONS) {
    const s = schemas(version);
    t.equal(s.version, version);
    t.same([...s.actionNames].sort(), [...s.actions.keys()].sort(), `${version}: actionNames matches actions`);
    for (const [action, v] of s.actions) {
      t.type(v.request, 'function', `${version} ${action} has a request validator`);
      if (!(version === 'ocpp2.1' && action === 'NotifyPeriodicEventStream')) {
        t.type(v.response, 'function', `${version} ${action} has a response validator`);
      }
    }
  }
  t.ok(schemas('ocpp2.1').actions.has('NotifyPeriodicEventStream'));
  t.equal(schemas('ocpp2.1').actions.get('NotifyPeriodicEventStream')!.response, undefined, 'SEND-only: no response');
  t.notOk(schemas('ocpp2.0.1').actions.has('NotifyPeriodicEventStream'));
  t.ok(schemas('ocpp1.6').actions.has('StartTransaction'));
  t.notOk(schemas('ocpp2.0.1').actions.has('StartTransaction'));
  t.ok(schemas('ocpp2.0.1').actions.has('TransactionEvent'));
});

const BOOT_16 = { chargePointVendor: 'VendorX', chargePointModel: 'ModelY', firmwareVersion: '1.2.3' };
const STATUS_16 = { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: '2024-05-01T10:00:00Z' };
const BOOT_2 = { reason: 'PowerUp', chargingStation: { model: 'ModelY', vendorName: 'VendorX', serialNumber: 'SN1' } };
const STATUS_2 = { timestamp: '2024-05-01T10:00:00.000Z', connectorStatus: 'Occupied', evseId: 1, connectorId: 1 };

t.test('valid real payloads pass', async (t) => {
  t.equal(violationKind('ocpp1.6', 'BootNotification', BOOT_16), undefined);
  t.equal(violationKind('ocpp1.6', 'StatusNotification', STATUS_16), undefined);
  t.equal(violationKind('ocpp1.6', 'Heartbeat', {}), undefined);
  t.equal(
    violationKind('ocpp1.6', 'BootNotification', { status: 'Accepted', currentTime: '2024-05-01T10:00:00Z', interval: 300 }, 'response'),
    undefined,
  );
  for (const v of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.equal(violationKind(v, 'BootNotification', BOOT_2), undefined, v);
    t.equal(violationKind(v, 'StatusNotification', STATUS_2), undefined, v);
    t.equal(violationKind(v, 'Heartbeat', {}), undefined, v);
    t.equal(violationKind(v, 'Reset', { type: 'Immediate' }), undefined, v);
  }
  t.equal(
    violationKind('ocpp2.1', 'NotifyPeriodicEventStream', {
      id: 1, pending: 0, basetime: '2024-05-01T10:00:00Z', data: [{ t: 0, v: '230.1' }],
    }),
    undefined,
  );
});

t.test('a missing required field is OccurrenceConstraintViolation', async (t) => {
  t.equal(violationKind('ocpp1.6', 'BootNotification', { chargePointVendor: 'VendorX' }), 'OccurrenceConstraintViolation');
  t.equal(violationKind('ocpp1.6', 'StatusNotification', { connectorId: 1, status: 'Available' }), 'OccurrenceConstraintViolation');
  for (const v of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.equal(violationKind(v, 'BootNotification', { reason: 'PowerUp' }), 'OccurrenceConstraintViolation', v);
    t.equal(
      violationKind(v, 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M' } }),
      'OccurrenceConstraintViolation',
      `${v} nested`,
    );
  }
});

t.test('a wrong JSON type is TypeConstraintViolation', async (t) => {
  t.equal(violationKind('ocpp1.6', 'StatusNotification', { ...STATUS_16, connectorId: '1' }), 'TypeConstraintViolation');
  t.equal(violationKind('ocpp1.6', 'StatusNotification', { ...STATUS_16, connectorId: 1.5 }), 'TypeConstraintViolation');
  t.equal(violationKind('ocpp1.6', 'BootNotification', { ...BOOT_16, chargePointModel: 7 }), 'TypeConstraintViolation');
  for (const v of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.equal(violationKind(v, 'StatusNotification', { ...STATUS_2, evseId: 'one' }), 'TypeConstraintViolation', v);
    t.equal(violationKind(v, 'BootNotification', { ...BOOT_2, chargingStation: 'x' }), 'TypeConstraintViolation', v);
  }
});

t.test('a bad enum, too long string or bad date-time is PropertyConstraintViolation', async (t) => {
  t.equal(violationKind('ocpp1.6', 'StatusNotification', { ...STATUS_16, status: 'Sleeping' }), 'PropertyConstraintViolation');
  t.equal(violationKind('ocpp1.6', 'StatusNotification', { ...STATUS_16, timestamp: 'yesterday' }), 'PropertyConstraintViolation');
  t.equal(
    violationKind('ocpp1.6', 'BootNotification', { ...BOOT_16, chargePointVendor: 'V'.repeat(21) }),
    'PropertyConstraintViolation',
  );
  for (const v of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.equal(violationKind(v, 'StatusNotification', { ...STATUS_2, connectorStatus: 'Charging' }), 'PropertyConstraintViolation', v);
    t.equal(violationKind(v, 'StatusNotification', { ...STATUS_2, timestamp: '2024-13-45' }), 'PropertyConstraintViolation', v);
    t.equal(violationKind(v, 'BootNotification', { ...BOOT_2, reason: 'Bored' }), 'PropertyConstraintViolation', v);
    t.equal(
      violationKind(v, 'BootNotification', { ...BOOT_2, chargingStation: { ...BOOT_2.chargingStation, model: 'M'.repeat(21) } }),
      'PropertyConstraintViolation',
      `${v} nested maxLength`,
    );
  }
});

t.test('an unknown property is FormatViolation', async (t) => {
  t.equal(violationKind('ocpp1.6', 'BootNotification', { ...BOOT_16, colour: 'red' }), 'FormatViolation');
  t.equal(violationKind('ocpp1.6', 'Heartbeat', { extra: 1 }), 'FormatViolation');
  for (const v of ['ocpp2.0.1', 'ocpp2.1'] as const) {
    t.equal(violationKind(v, 'StatusNotification', { ...STATUS_2, colour: 'red' }), 'FormatViolation', v);
  }
});

t.test('a violation describes where and why', async (t) => {
  const validate = schemas('ocpp1.6').actions.get('StatusNotification')!.request;
  const v = checkPayload(validate, { ...STATUS_16, status: 'Sleeping' })!;
  t.equal(v.kind, 'PropertyConstraintViolation');
  t.equal(v.errors[0]!.path, '/status');
  t.equal(v.errors[0]!.keyword, 'enum');
  t.match(v.message, /^\/status /);
  t.same(describeViolation(null), { kind: 'FormatViolation', message: 'Payload does not match the schema', errors: [] });
  const root = checkPayload(validate, { connectorId: 1, status: 'Available' })!;
  t.equal(root.errors[0]!.path, '/', 'a root-level error gets path /');
});
