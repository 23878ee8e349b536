import { ERROR_CODES } from '../core/errors.js';
import { STATION_ID_PATTERN } from '../core/types.js';

/** Shared JSON schemas for routes; they drive validation and the OpenAPI document. */
export const errorBody = {
  type: 'object',
  description: 'Every API error. `code` is stable (core/errors.ts); `error` is its title, `message` says what happened.',
  properties: {
    error: { type: 'string' },
    code: { type: 'string', enum: ERROR_CODES },
    message: { type: 'string' },
    details: {},
  },
  required: ['error', 'code', 'message'],
} as const;

export const stationIdParam = {
  type: 'object',
  properties: {
    id: {
      type: 'string',
      pattern: STATION_ID_PATTERN.source,
      description: 'OCPP identifierString without `:` (up to 48 of `A-Z a-z 0-9 * - _ = + | @ .`; not `.` or `..`)',
    },
  },
  required: ['id'],
} as const;

/** `/stations/:id/…/:requestId` of a request the CSMS sent (its requestId: 0 or more). */
export const stationRequestIdParams = {
  type: 'object',
  properties: { ...stationIdParam.properties, requestId: { type: 'integer', minimum: 0, maximum: 9007199254740991 } },
  required: ['id', 'requestId'],
} as const;

export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', maxLength: 512 },
  },
  additionalProperties: false,
} as const;

export const connectorSchema = {
  type: 'object',
  properties: {
    evseId: { type: 'integer' },
    connectorId: { type: 'integer' },
    status: { type: 'string', enum: ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'] },
    detailedStatus: { type: ['string', 'null'] },
    errorCode: { type: ['string', 'null'] },
    info: { type: ['string', 'null'] },
    vendorErrorCode: { type: ['string', 'null'] },
    reportedAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

export const stationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tenantId: { type: 'string' },
    connected: { type: 'boolean' },
    protocol: { type: ['string', 'null'] },
    connectedAt: { type: ['string', 'null'] },
    /** Which gateway thread of this node holds the connection (operations and tests). */
    gatewayThread: { type: ['integer', 'null'] },
    vendor: { type: ['string', 'null'] },
    model: { type: ['string', 'null'] },
    serialNumber: { type: ['string', 'null'] },
    firmwareVersion: { type: ['string', 'null'] },
    iccid: { type: ['string', 'null'] },
    imsi: { type: ['string', 'null'] },
    bootReason: { type: ['string', 'null'] },
    lastBootAt: { type: ['string', 'null'] },
    lastSeenAt: { type: ['string', 'null'] },
    /** Boot policy: the BootNotification answer (PUT /stations/{id}/boot-policy). */
    registrationStatus: { type: 'string', enum: ['Accepted', 'Pending', 'Rejected'] },
    heartbeatIntervalSec: { type: ['integer', 'null'] },
    hasPassword: { type: 'boolean' },
    /** Security profile 1-3 (PUT /stations/{id}/security-profile). */
    securityProfile: { type: 'integer' },
    /** A rotation is under way: the old password works until the station logs in with the new one. */
    previousPasswordPending: { type: 'boolean' },
    passwordRotatedAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    connectors: { type: 'array', items: connectorSchema },
  },
} as const;
