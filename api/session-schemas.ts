/** JSON schemas for the charging-session routes (transactions, tokens, local lists). */
const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const nint = { type: ['integer', 'null'] } as const;

export const idTokenRefSchema = {
  type: 'object',
  properties: { idToken: str, type: str },
  required: ['idToken', 'type'],
} as const;

export const transactionSchema = {
  type: 'object',
  properties: {
    id: str,
    tenantId: str,
    stationId: str,
    ocppTransactionId: nint,
    protocol: str,
    evseId: nint,
    connectorId: nint,
    idToken: { anyOf: [idTokenRefSchema, { type: 'null' }] },
    isActive: { type: 'boolean' },
    chargingState: nstr,
    timeSpentChargingSec: { type: 'integer' },
    totalKwh: { type: 'number' },
    stoppedReason: nstr,
    remoteStartId: nint,
    operationMode: nstr,
    tariffId: nstr,
    startedAt: str,
    endedAt: nstr,
    meterStartWh: { type: ['number', 'null'] },
    meterStopWh: { type: ['number', 'null'] },
    lastSeqNo: nint,
    reservationId: nint,
    triggerReason: { type: ['string', 'null'], description: '2.x: the triggerReason of its newest event' },
    idTokens: {
      type: 'array',
      description: 'Every id token it was sent with, in event order, once per change; idToken is the first',
      items: { type: 'object', properties: { idToken: str, type: str, at: str, triggerReason: nstr } },
    },
    flags: { type: 'array', items: str },
    createdAt: str,
    updatedAt: str,
  },
} as const;

export const meterValueSchema = {
  type: 'object',
  properties: {
    timestamp: str,
    measurand: str,
    value: { type: ['number', 'null'], description: 'null: a 1.6 SignedData value sent without a readable value beside it' },
    unit: nstr,
    multiplier: { type: 'integer' },
    context: nstr,
    phase: nstr,
    location: nstr,
    evseId: nint,
    signedMeterValue: {
      type: ['object', 'null'],
      description: 'The signed value as the station sent it (2.x signedMeterValue; 1.6 SignedData, format SignedData), for billing evidence',
      properties: {
        signedMeterData: str, signingMethod: nstr, encodingMethod: nstr, publicKey: nstr, format: nstr,
        valueless: { type: 'boolean', description: '1.6: sent without a readable value beside it (the row has no value)' },
      },
    },
  },
} as const;

export const TOKEN_STATUSES = ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime'] as const;

export const idTokenSchema = {
  type: 'object',
  properties: {
    idToken: str,
    type: str,
    status: { type: 'string', enum: TOKEN_STATUSES },
    expiresAt: nstr,
    groupId: nstr,
    allowConcurrentTx: { type: 'boolean' },
    priority: { type: 'integer', description: 'Site load management priority of sessions started with this token (or, for a group, with a token of the group); absent: none' },
    source: { type: 'string', enum: ['api', 'auto'] },
    createdAt: str,
    updatedAt: str,
  },
} as const;

/** What an operator sends for a token (path carries the id in PUT). */
export const idTokenBodyProps = {
  type: { type: 'string', minLength: 1, maxLength: 20, default: 'ISO14443' },
  status: { type: 'string', enum: TOKEN_STATUSES, default: 'Accepted' },
  expiresAt: { type: ['string', 'null'], format: 'date-time', default: null },
  groupId: { type: ['string', 'null'], maxLength: 255, default: null },
  allowConcurrentTx: {
    type: 'boolean',
    default: false,
    description: 'May start a transaction while one with this token runs on another station; otherwise such a start is answered ConcurrentTx',
  },
  priority: {
    type: ['integer', 'null'],
    minimum: -1000,
    maximum: 1000,
    default: null,
    description:
      'Site load management: sessions started with this token are admitted and filled by this priority (higher first), overriding the priority of the EVSE’s site attachment. ' +
      'A token without one takes its group’s: the priority of the token record named by its groupId. null: none.',
  },
} as const;

export const tokenValue = { type: 'string', minLength: 1, maxLength: 255 } as const;
