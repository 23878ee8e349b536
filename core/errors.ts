import type { CallFailureReason } from './envelope.js';
import type { OcppVersion } from './protocols.js';

/**
 * OCPP-J RPC error kinds, version-neutral. The wire spelling differs per version
 * (the specs' own typos), so always go through `errorCodeFor` when writing a frame.
 */
export type RpcErrorKind =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'MessageTypeNotSupported'
  | 'RpcFrameworkError';

/**
 * 1.6 (with its errata) spells FormationViolation / OccurrenceConstraintViolation and has no
 * RPC-framework codes, so framing faults map to FormationViolation there.
 * 2.0.1 and 2.1 spell FormatViolation / OccurenceConstraintViolation (single "r").
 */
const OCPP16_CODES: Record<RpcErrorKind, string> = {
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  InternalError: 'InternalError',
  ProtocolError: 'ProtocolError',
  SecurityError: 'SecurityError',
  FormatViolation: 'FormationViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  OccurrenceConstraintViolation: 'OccurrenceConstraintViolation',
  TypeConstraintViolation: 'TypeConstraintViolation',
  GenericError: 'GenericError',
  MessageTypeNotSupported: 'FormationViolation',
  RpcFrameworkError: 'FormationViolation',
};

const OCPP2_CODES: Record<RpcErrorKind, string> = {
  ...OCPP16_CODES,
  FormatViolation: 'FormatViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  MessageTypeNotSupported: 'MessageTypeNotSupported',
  RpcFrameworkError: 'RpcFrameworkError',
};

export function errorCodeFor(version: OcppVersion, kind: RpcErrorKind): string {
  return version === 'ocpp1.6' ? OCPP16_CODES[kind] : OCPP2_CODES[kind];
}

/**
 * A station's CALLERROR code read back as a kind, whatever version spelled it. First mapping
 * wins, so 1.6's FormationViolation (shared by three kinds) reads back as FormatViolation.
 */
const KIND_BY_WIRE_CODE = new Map<string, RpcErrorKind>();
for (const table of [OCPP2_CODES, OCPP16_CODES]) {
  for (const [kind, code] of Object.entries(table)) if (!KIND_BY_WIRE_CODE.has(code)) KIND_BY_WIRE_CODE.set(code, kind as RpcErrorKind);
}

export function rpcKindOf(wireCode: string): RpcErrorKind | undefined {
  return KIND_BY_WIRE_CODE.get(wireCode);
}

/** An error a handler or the router raises to answer a CALL with a CALLERROR. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly details: Record<string, unknown>;

  constructor(kind: RpcErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RpcError';
    this.kind = kind;
    this.details = details;
  }

  static notImplemented(action: string): RpcError {
    return new RpcError('NotImplemented', `Action '${action}' is not known`);
  }

  static notSupported(action: string): RpcError {
    return new RpcError('NotSupported', `Action '${action}' is not supported by this CSMS`);
  }

  static internal(): RpcError {
    // Deliberately generic: a handler's stack or message may reveal internals.
    return new RpcError('InternalError', 'Internal error while handling the request');
  }
}

export interface ErrorEntry {
  /** HTTP status the API answers with. */
  http: number;
  /** Short human title, the `error` field of an API error body. */
  title: string;
  /** The station answered a command with a CALLERROR of this kind. */
  rpcKind?: RpcErrorKind;
  /** A command got no answer from the station for this reason. */
  failureReason?: CallFailureReason;
}

/**
 * Every error code Switchyard answers with, in one table: API errors, the reasons a station call
 * fails, and the RPC error kinds a station may answer a command with. Every API error body
 * carries one of these as its stable `code`; the OpenAPI document lists them all (checked by
 * test/api/error-codes.test.ts). Add a code here, never inline in a route.
 */
export const ERRORS = {
  // Requests the API itself refuses
  BAD_REQUEST: { http: 400, title: 'Bad Request' },
  VALIDATION_FAILED: { http: 400, title: 'Validation Failed', failureReason: 'invalid-request' },
  INVALID_CURSOR: { http: 400, title: 'Invalid Cursor' },
  UNKNOWN_ACTION: { http: 400, title: 'Unknown Action', failureReason: 'unknown-action' },
  WRONG_PROTOCOL: { http: 400, title: 'Wrong Protocol', failureReason: 'wrong-protocol' },
  UNAUTHORIZED: { http: 401, title: 'Unauthorized' },
  FORBIDDEN: { http: 403, title: 'Forbidden' },
  NOT_FOUND: { http: 404, title: 'Not Found' },
  METHOD_NOT_ALLOWED: { http: 405, title: 'Method Not Allowed' },
  PAYLOAD_TOO_LARGE: { http: 413, title: 'Payload Too Large' },
  URI_TOO_LONG: { http: 414, title: 'URI Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, title: 'Unsupported Media Type' },
  INTERNAL_ERROR: { http: 500, title: 'Internal Server Error', failureReason: 'internal' },
  SERVICE_UNAVAILABLE: { http: 503, title: 'Service Unavailable' },
  // Resources
  API_KEY_NOT_FOUND: { http: 404, title: 'API Key Not Found' },
  // Operator UI: users, sessions (issue 15)
  USER_NOT_FOUND: { http: 404, title: 'User Not Found' },
  USER_EXISTS: { http: 409, title: 'User Exists' },
  CSRF_TOKEN_INVALID: { http: 403, title: 'CSRF Token Invalid' },
  LOGIN_RATE_LIMITED: { http: 429, title: 'Login Rate Limited' },
  STATION_NOT_FOUND: { http: 404, title: 'Station Not Found' },
  STATION_EXISTS: { http: 409, title: 'Station Exists' },
  TRANSACTION_NOT_FOUND: { http: 404, title: 'Transaction Not Found' },
  TRANSACTION_AMBIGUOUS: { http: 409, title: 'Transaction Id Ambiguous' },
  REQUEST_NOT_FOUND: { http: 404, title: 'Request Not Found' },
  TEMPLATE_NOT_FOUND: { http: 404, title: 'Configuration Template Not Found' },
  ID_TOKEN_NOT_FOUND: { http: 404, title: 'Id Token Not Found' },
  ID_TOKEN_EXISTS: { http: 409, title: 'Id Token Exists' },
  RESERVATION_NOT_FOUND: { http: 404, title: 'Reservation Not Found' },
  RESERVATION_CLOSED: { http: 409, title: 'Reservation Closed' },
  /** A remote start for a token other than the reservation's (or outside its group) on a reserved EVSE (H03). */
  EVSE_RESERVED: { http: 409, title: 'EVSE Reserved', failureReason: 'evse-reserved' },
  // Tariffs and cost (issue 13, block I)
  TARIFF_NOT_FOUND: { http: 404, title: 'Tariff Not Found' },
  TARIFF_INVALID: { http: 400, title: 'Tariff Invalid' },
  TARIFF_IN_USE: { http: 409, title: 'Tariff In Use' },
  TARIFF_ASSIGNMENT_NOT_FOUND: { http: 404, title: 'Tariff Assignment Not Found' },
  TRANSACTION_ACTIVE: { http: 409, title: 'Transaction Still Active' },
  // Firmware campaigns and the built-in upload target (issue 12)
  CAMPAIGN_NOT_FOUND: { http: 404, title: 'Campaign Not Found' },
  CAMPAIGN_STATE_CONFLICT: { http: 409, title: 'Campaign State Conflict' },
  CAMPAIGN_NO_STATIONS: { http: 400, title: 'Campaign Targets No Station' },
  UPLOAD_TOKEN_INVALID: { http: 404, title: 'Upload Token Invalid' },
  UPLOAD_TOKEN_USED: { http: 409, title: 'Upload Token Used' },
  UPLOAD_TOO_LARGE: { http: 413, title: 'Upload Too Large' },
  LOG_FILE_NOT_FOUND: { http: 404, title: 'Log File Not Found' },
  // OCPI roaming (issue 16): our CPO parties, partners, locations
  OCPI_PARTY_EXISTS: { http: 409, title: 'OCPI Party Exists' },
  OCPI_NO_PARTY: { http: 409, title: 'Tenant Has No OCPI Party' },
  OCPI_PARTNER_NOT_FOUND: { http: 404, title: 'OCPI Partner Not Found' },
  OCPI_PARTNER_STATE: { http: 409, title: 'OCPI Partner State Conflict' },
  OCPI_PARTNER_FAILED: { http: 502, title: 'OCPI Partner Request Failed' },
  LOCATION_NOT_FOUND: { http: 404, title: 'Location Not Found' },
  // Station certificates (issue 14)
  CERTIFICATE_NOT_FOUND: { http: 404, title: 'Certificate Not Found' },
  TLS_RELOAD_FAILED: { http: 500, title: 'TLS Reload Failed' },
  // Sites for load management (issue 13)
  SITE_NOT_FOUND: { http: 404, title: 'Site Not Found' },
  SITE_EXISTS: { http: 409, title: 'Site Exists' },
  SITE_INVALID: { http: 400, title: 'Site Invalid' },
  SITE_STATION_ATTACHED: { http: 409, title: 'Station Attached Elsewhere' },
  SITE_ATTACHMENT_NOT_FOUND: { http: 404, title: 'Site Attachment Not Found' },
  SITE_CONFLICT: { http: 409, title: 'Site Changed Meanwhile' },
  // A command that got no answer from the station
  STATION_NOT_CONNECTED: { http: 409, title: 'Station Not Connected', failureReason: 'disconnected' },
  STATION_SEND_FAILED: { http: 409, title: 'Station Send Failed', failureReason: 'send-failed' },
  STATION_BUSY: { http: 429, title: 'Station Busy', failureReason: 'queue-full' },
  STATION_INVALID_RESPONSE: { http: 502, title: 'Station Invalid Response', failureReason: 'invalid-response' },
  STATION_TIMEOUT: { http: 504, title: 'Station Timeout', failureReason: 'timeout' },
  // Multi-node: the cluster directory and the node it names disagree, or that node is gone
  STATION_LOCATION_STALE: { http: 409, title: 'Station Location Stale', failureReason: 'stale-location' },
  STATION_NODE_UNAVAILABLE: { http: 503, title: 'Station Node Unavailable', failureReason: 'node-unavailable' },
  // A command the station answered with a CALLERROR (any spelling of its version)
  STATION_CALL_ERROR: { http: 502, title: 'Station Call Error' },
  STATION_NOT_IMPLEMENTED: { http: 502, title: 'Station Call Error: NotImplemented', rpcKind: 'NotImplemented' },
  STATION_NOT_SUPPORTED: { http: 502, title: 'Station Call Error: NotSupported', rpcKind: 'NotSupported' },
  STATION_INTERNAL_ERROR: { http: 502, title: 'Station Call Error: InternalError', rpcKind: 'InternalError' },
  STATION_PROTOCOL_ERROR: { http: 502, title: 'Station Call Error: ProtocolError', rpcKind: 'ProtocolError' },
  STATION_SECURITY_ERROR: { http: 502, title: 'Station Call Error: SecurityError', rpcKind: 'SecurityError' },
  STATION_FORMAT_VIOLATION: { http: 502, title: 'Station Call Error: FormatViolation', rpcKind: 'FormatViolation' },
  STATION_PROPERTY_CONSTRAINT_VIOLATION: { http: 502, title: 'Station Call Error: PropertyConstraintViolation', rpcKind: 'PropertyConstraintViolation' },
  STATION_OCCURRENCE_CONSTRAINT_VIOLATION: { http: 502, title: 'Station Call Error: OccurrenceConstraintViolation', rpcKind: 'OccurrenceConstraintViolation' },
  STATION_TYPE_CONSTRAINT_VIOLATION: { http: 502, title: 'Station Call Error: TypeConstraintViolation', rpcKind: 'TypeConstraintViolation' },
  STATION_GENERIC_ERROR: { http: 502, title: 'Station Call Error: GenericError', rpcKind: 'GenericError' },
  STATION_MESSAGE_TYPE_NOT_SUPPORTED: { http: 502, title: 'Station Call Error: MessageTypeNotSupported', rpcKind: 'MessageTypeNotSupported' },
  STATION_RPC_FRAMEWORK_ERROR: { http: 502, title: 'Station Call Error: RpcFrameworkError', rpcKind: 'RpcFrameworkError' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

const entries = Object.entries(ERRORS) as Array<[ErrorCode, ErrorEntry]>;
const BY_FAILURE = new Map(entries.filter(([, e]) => e.failureReason).map(([code, e]) => [e.failureReason!, code]));
const BY_RPC_KIND = new Map(entries.filter(([, e]) => e.rpcKind).map(([code, e]) => [e.rpcKind!, code]));

/** The code of a call that got no answer. */
export function codeForFailure(reason: CallFailureReason): ErrorCode {
  return BY_FAILURE.get(reason) ?? 'INTERNAL_ERROR';
}

/** The code of a station's CALLERROR; a code outside the specs is a plain STATION_CALL_ERROR. */
export function codeForCallError(wireCode: string): ErrorCode {
  const kind = rpcKindOf(wireCode);
  return (kind && BY_RPC_KIND.get(kind)) ?? 'STATION_CALL_ERROR';
}

/** An error with a code of the one table; the API answers it with the code's HTTP status. */
export class CsmsError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'CsmsError';
    this.code = code;
    this.statusCode = ERRORS[code].http;
    this.details = details;
  }
}

/** The name API routes and the CLI have always used; the same class. */
export { CsmsError as ApiError };

/** A pagination cursor we did not issue (garbled, truncated, made up); see adapters/store/cursor.ts. */
export class InvalidCursorError extends CsmsError {
  constructor() {
    super('INVALID_CURSOR', 'Invalid cursor: pass a nextCursor back exactly as it was returned');
    this.name = 'InvalidCursorError';
  }
}

/** A version-neutral command that cannot be expressed in the station's OCPP version. */
export class WrongProtocolError extends CsmsError {
  constructor(message: string, details?: unknown) {
    super('WRONG_PROTOCOL', message, details);
    this.name = 'WrongProtocolError';
  }
}
