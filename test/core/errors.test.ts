import t from 'tap';
import { API_ERRORS, ApiError, RpcError, errorCodeFor, type RpcErrorKind } from '../../core/errors.js';

const ALL_KINDS: RpcErrorKind[] = [
  'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormatViolation',
  'PropertyConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation', 'GenericError',
  'MessageTypeNotSupported', 'RpcFrameworkError',
];

/** The error codes each version's spec lists (1.6 with its errata spellings). */
const OCPP16_SPEC = new Set([
  'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation',
  'PropertyConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation', 'GenericError',
]);
const OCPP2_SPEC = new Set([
  'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported',
  'OccurenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError',
  'SecurityError', 'TypeConstraintViolation',
]);

t.test('OCPP 1.6 spellings', async (t) => {
  t.equal(errorCodeFor('ocpp1.6', 'FormatViolation'), 'FormationViolation');
  t.equal(errorCodeFor('ocpp1.6', 'OccurrenceConstraintViolation'), 'OccurrenceConstraintViolation');
  t.equal(errorCodeFor('ocpp1.6', 'NotImplemented'), 'NotImplemented');
  for (const kind of ALL_KINDS) {
    t.ok(OCPP16_SPEC.has(errorCodeFor('ocpp1.6', kind)), `${kind} maps to a 1.6 code`);
  }
  t.not(errorCodeFor('ocpp1.6', 'RpcFrameworkError'), 'RpcFrameworkError', 'no RPC framework code in 1.6');
  t.not(errorCodeFor('ocpp1.6', 'MessageTypeNotSupported'), 'MessageTypeNotSupported');
});

for (const version of ['ocpp2.0.1', 'ocpp2.1'] as const) {
  t.test(`${version} spellings`, async (t) => {
    t.equal(errorCodeFor(version, 'FormatViolation'), 'FormatViolation');
    t.equal(errorCodeFor(version, 'OccurrenceConstraintViolation'), 'OccurenceConstraintViolation');
    t.equal(errorCodeFor(version, 'RpcFrameworkError'), 'RpcFrameworkError');
    t.equal(errorCodeFor(version, 'MessageTypeNotSupported'), 'MessageTypeNotSupported');
    const seen = new Set<string>();
    for (const kind of ALL_KINDS) {
      const code = errorCodeFor(version, kind);
      t.ok(OCPP2_SPEC.has(code), `${kind} maps to a 2.x code`);
      seen.add(code);
    }
    t.equal(seen.size, ALL_KINDS.length, 'every kind has its own code in 2.x');
  });
}

t.test('RpcError constructors', async (t) => {
  const ni = RpcError.notImplemented('Foo');
  t.equal(ni.kind, 'NotImplemented');
  t.match(ni.message, /Foo/);
  t.same(ni.details, {});
  t.ok(ni instanceof Error);
  t.equal(RpcError.notSupported('Bar').kind, 'NotSupported');
  const internal = RpcError.internal();
  t.equal(internal.kind, 'InternalError');
  t.equal(internal.message, 'Internal error while handling the request');
  t.same(new RpcError('GenericError', 'x', { a: 1 }).details, { a: 1 });
});

t.test('ApiError carries its HTTP status from the one table', async (t) => {
  const e = new ApiError('STATION_NOT_FOUND', 'no such station', { id: 'x' });
  t.equal(e.statusCode, 404);
  t.equal(e.code, 'STATION_NOT_FOUND');
  t.same(e.details, { id: 'x' });
  for (const [code, entry] of Object.entries(API_ERRORS)) {
    t.equal(new ApiError(code as keyof typeof API_ERRORS, 'm').statusCode, entry.status, code);
  }
});
