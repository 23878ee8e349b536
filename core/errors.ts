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

/** API error codes, one table, each with its HTTP status. Routes import them by name. */
export const API_ERRORS = {
  BAD_REQUEST: { status: 400, error: 'Bad Request' },
  VALIDATION_FAILED: { status: 400, error: 'Validation Failed' },
  UNKNOWN_ACTION: { status: 400, error: 'Unknown Action' },
  UNAUTHORIZED: { status: 401, error: 'Unauthorized' },
  FORBIDDEN: { status: 403, error: 'Forbidden' },
  API_KEY_NOT_FOUND: { status: 404, error: 'API Key Not Found' },
  WRONG_PROTOCOL: { status: 400, error: 'Wrong Protocol' },
  STATION_NOT_FOUND: { status: 404, error: 'Station Not Found' },
  NOT_FOUND: { status: 404, error: 'Not Found' },
  STATION_EXISTS: { status: 409, error: 'Station Exists' },
  STATION_NOT_CONNECTED: { status: 409, error: 'Station Not Connected' },
  STATION_BUSY: { status: 429, error: 'Station Busy' },
  STATION_CALL_ERROR: { status: 502, error: 'Station Call Error' },
  STATION_TIMEOUT: { status: 504, error: 'Station Timeout' },
  SERVICE_UNAVAILABLE: { status: 503, error: 'Service Unavailable' },
  TRANSACTION_NOT_FOUND: { status: 404, error: 'Transaction Not Found' },
  ID_TOKEN_NOT_FOUND: { status: 404, error: 'Id Token Not Found' },
  ID_TOKEN_EXISTS: { status: 409, error: 'Id Token Exists' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: ApiErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = API_ERRORS[code].status;
    this.details = details;
  }
}
