/**
 * OCPI 2.2.1 status codes (§5 Status codes), the `status_code` of every response envelope, kept
 * apart from Switchyard's API error table (core/errors.ts): OCPI has its own numbers and meanings.
 * `http` is the HTTP status we answer with when we raise it (§4.1.2: 401 for a missing or unknown
 * token; §5: 404 for an unknown object of a GET, 400 for a body that is not valid JSON).
 */
export const OCPI_STATUS = {
  1000: { http: 200, message: 'Success' },
  2000: { http: 400, message: 'Generic client error' },
  2001: { http: 400, message: 'Invalid or missing parameters' },
  2002: { http: 400, message: 'Not enough information' },
  2003: { http: 404, message: 'Unknown Location' },
  2004: { http: 404, message: 'Unknown Token' },
  3000: { http: 500, message: 'Generic server error' },
  3001: { http: 502, message: 'Unable to use the client’s API' },
  3002: { http: 400, message: 'Unsupported version' },
  3003: { http: 400, message: 'No matching endpoints or expected endpoints missing between parties' },
} as const;

export type OcpiStatusCode = keyof typeof OCPI_STATUS;

/** An error answered as an OCPI envelope with `statusCode` and HTTP `http` (default from the table). */
export class OcpiError extends Error {
  readonly http: number;

  constructor(
    readonly statusCode: OcpiStatusCode,
    message?: string,
    http?: number,
  ) {
    super(message ?? OCPI_STATUS[statusCode].message);
    this.name = 'OcpiError';
    this.http = http ?? OCPI_STATUS[statusCode].http;
  }
}

/**
 * §4.1.2: a missing or unknown credentials token → HTTP 401. The envelope says which (issue #16):
 * 2001 when the Authorization header is missing or not `Token …` (a missing parameter), 2004
 * when the token is unknown or not valid for the module (token A outside versions/credentials).
 */
export const unauthorized = (message: string, statusCode: 2001 | 2004 = 2004) => new OcpiError(statusCode, message, 401);
/** 405 with 2000: e.g. POST credentials of a party already registered (§7.2.2). */
export const methodNotAllowed = (message: string) => new OcpiError(2000, message, 405);
/** GET of an object we do not have: HTTP 404 (§5) with 2003 (unknown location, or object). */
export const unknownObject = (message: string) => new OcpiError(2003, message, 404);

/** §4.1.7 Response format. */
export function envelope<T>(statusCode: OcpiStatusCode | number, data?: T, message?: string): { data?: T; status_code: number; status_message?: string; timestamp: string } {
  return {
    ...(data !== undefined ? { data } : {}),
    status_code: statusCode,
    ...(message !== undefined ? { status_message: message } : {}),
    timestamp: new Date().toISOString(),
  };
}
