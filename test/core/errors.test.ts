import t from 'tap';
import { CALL_FAILURE_REASONS } from '../../core/envelope.js';
import {
  ApiError, CsmsError, ERRORS, ERROR_CODES, RpcError, WrongProtocolError, codeForCallError, codeForFailure, errorCodeFor, rpcKindOf,
  type ErrorCode, type ErrorEntry, type RpcErrorKind,
} from '../../core/errors.js';

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

t.test('CsmsError (alias ApiError) carries its HTTP status from the one table', async (t) => {
  const e = new ApiError('STATION_NOT_FOUND', 'no such station', { id: 'x' });
  t.ok(e instanceof CsmsError);
  t.equal(e.statusCode, 404);
  t.equal(e.code, 'STATION_NOT_FOUND');
  t.same(e.details, { id: 'x' });
  for (const code of ERROR_CODES) t.equal(new CsmsError(code, 'm').statusCode, ERRORS[code].http, code);
  const wrong = new WrongProtocolError('no', { protocol: 'ocpp1.6' });
  t.equal(wrong.code, 'WRONG_PROTOCOL');
  t.equal(wrong.statusCode, 400);
  t.ok(wrong instanceof CsmsError);
});

const table = Object.entries(ERRORS) as Array<[ErrorCode, ErrorEntry]>;

t.test('the table: stable codes, valid statuses, titles', async (t) => {
  for (const [code, entry] of table) {
    t.match(code, /^[A-Z][A-Z0-9_]+$/, `${code} is UPPER_SNAKE`);
    t.ok(entry.http >= 400 && entry.http < 600, `${code}: ${entry.http} is an error status`);
    t.ok(entry.title.length > 0, `${code} has a title`);
  }
  t.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
});

t.test('every call failure reason has exactly one code', async (t) => {
  for (const reason of CALL_FAILURE_REASONS) {
    const codes = table.filter(([, e]) => e.failureReason === reason).map(([c]) => c);
    t.equal(codes.length, 1, `${reason} → ${codes.join(', ')}`);
    t.equal(codeForFailure(reason), codes[0]);
  }
  t.equal(codeForFailure('timeout'), 'STATION_TIMEOUT');
  t.equal(ERRORS[codeForFailure('timeout')].http, 504);
  t.equal(codeForFailure('disconnected'), 'STATION_NOT_CONNECTED');
  t.equal(ERRORS[codeForFailure('queue-full')].http, 429);
  t.equal(codeForFailure('wrong-protocol'), 'WRONG_PROTOCOL');
});

t.test('every RPC error kind has exactly one code; every spelling of every version reads back', async (t) => {
  for (const kind of ALL_KINDS) {
    const codes = table.filter(([, e]) => e.rpcKind === kind).map(([c]) => c);
    t.equal(codes.length, 1, `${kind} → ${codes.join(', ')}`);
    t.equal(ERRORS[codes[0]!].http, 502, 'a station refusing a command is a bad gateway');
    t.equal(codeForCallError(errorCodeFor('ocpp2.0.1', kind)), codes[0], `2.x spelling of ${kind}`);
  }
  for (const code of OCPP16_SPEC) t.not(codeForCallError(code), 'STATION_CALL_ERROR', `1.6 ${code} is known`);
  t.equal(rpcKindOf('FormationViolation'), 'FormatViolation', '1.6 spelling');
  t.equal(rpcKindOf('OccurenceConstraintViolation'), 'OccurrenceConstraintViolation', '2.x spelling');
  t.equal(rpcKindOf('OccurrenceConstraintViolation'), 'OccurrenceConstraintViolation', '1.6 spelling');
  t.equal(codeForCallError('NotSupported'), 'STATION_NOT_SUPPORTED');
  t.equal(codeForCallError('SomethingVendorSpecific'), 'STATION_CALL_ERROR', 'codes outside the specs stay generic');
});
