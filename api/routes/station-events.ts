import type { FastifyInstance } from 'fastify';
import { STATION_EVENT_KINDS, STATUS_KINDS, type StationEvent, type StationEventKind } from '../../core/station-events.js';
import type { ApiDeps } from '../deps.js';
import { requireStation } from '../station-lookup.js';
import { errorBody, pageQuery, stationIdParam } from '../schemas.js';

const eventSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'Increasing: newer records have larger ids' },
    kind: { type: 'string', enum: STATION_EVENT_KINDS },
    type: {
      type: 'string',
      description:
        'security-event: the security event type; event: the NotifyEvent trigger (Alerting, Delta, Periodic); *-status: the reported status; ' +
        'monitoring-report / customer-information: part or last; data-transfer: the status it was answered with',
    },
    at: { type: 'string', description: 'When the station says it happened (timestamp, generatedAt); the receive time when it says nothing' },
    receivedAt: { type: 'string' },
    requestId: { type: ['integer', 'null'], description: 'The request it belongs to (GET /stations/{id}/requests/{requestId})' },
    payload: { type: 'object', additionalProperties: true, description: 'The message’s other fields; over the size limit: { truncated, size, text }' },
  },
} as const;

const alertStateSchema = {
  type: 'object',
  properties: {
    stationId: { type: 'string' },
    key: { type: 'string', description: 'What it is about: the same key opens and clears it (connector and errorCode, component and variable, security event type)' },
    source: { type: 'string', enum: ['connector-status', 'device-event', 'security-event', 'profile-compliance'] },
    type: { type: 'string' },
    evseId: { type: ['integer', 'null'] },
    connectorId: { type: ['integer', 'null'] },
    state: { type: 'string', enum: ['open', 'cleared'] },
    openedAt: { type: 'string', description: 'When it was (last) raised' },
    clearedAt: { type: ['string', 'null'], description: 'When the station reported it over' },
    lastAt: { type: 'string' },
    count: { type: 'integer', description: 'How many times it was raised' },
    payload: { type: 'object', additionalProperties: true, description: 'The newest record’s payload' },
  },
} as const;

const ALERT_STATE_DOC =
  'An alert is open until the station reports it over: a 1.6 StatusNotification on that connector with NoError (or another ' +
  'errorCode, which opens its own alert), a 2.x NotifyEvent with `cleared` (or the Problem variable false). Critical security ' +
  'events have no recovery message and stay open. Most recently changed first.';

function view({ tenantId: _t, stationId: _s, ...rest }: StationEvent) {
  return rest;
}

/**
 * What stations report on their own (core/station-events.ts): security events, NotifyEvent,
 * firmware / diagnostics / log statuses, monitoring and customer-information report pages,
 * DataTransfer.
 */
export async function stationEventRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  const stationOf = (tenantId: string, id: string) => requireStation(deps.store, tenantId, id);

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; kind?: StationEventKind; type?: string; requestId?: number } }>(
    '/stations/:id/events',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listStationEvents',
        summary: 'What a station reported on its own, newest first (cursor pagination)',
        description:
          'Security events (SecurityEventNotification), device events (NotifyEvent), firmware / diagnostics / log status history, ' +
          'NotifyMonitoringReport and NotifyCustomerInformation pages, inbound DataTransfer. Filter by `kind`, `type`, `requestId`.',
        params: stationIdParam,
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            kind: { type: 'string', enum: STATION_EVENT_KINDS },
            type: { type: 'string', minLength: 1, maxLength: 64 },
            requestId: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: eventSchema }, nextCursor: { type: ['string', 'null'] } } },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const page = await deps.store.stationEvents.list(request.tenantId, id, request.query);
      return { items: page.items.map(view), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; stationId?: string; type?: string; state?: 'open' | 'cleared' | 'any' } }>(
    '/alerts',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listAlerts',
        summary: 'Alerts of every station of the tenant, newest first (cursor pagination)',
        description:
          'Raised by a 1.6 StatusNotification with an errorCode other than NoError (`type` = errorCode), a 2.x NotifyEvent ' +
          'reporting a problem (the `Problem` variable, or a monitor with trigger Alerting; `type` = component.variable) and ' +
          'a critical security event (`type` = the event type), and a session drawing above the charging profile its station accepted ' +
          '(`type` ChargingProfileExceeded, source profile-compliance: Current.Import / Power.Active.Import above the limit in force by more than ' +
          'max(1 A, 10 %) for 60 s; cleared by the first reading back within it or the end of the session). `payload.source` says which, `payload.cleared` whether the ' +
          'station reported it over. Filter by `stationId`, `type`. Also published as `alert.raised`. ' +
          'With `state` (open, cleared or any): the alerts as states instead of their records, one per station and subject. ' +
          ALERT_STATE_DOC,
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            stationId: { type: 'string', minLength: 1, maxLength: 255 },
            type: { type: 'string', minLength: 1, maxLength: 128 },
            state: { type: 'string', enum: ['open', 'cleared', 'any'], description: 'List alert states (see above) instead of alert records' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                description: 'Alert records; with `state`, alert states',
                items: { type: 'object', properties: { ...eventSchema.properties, ...alertStateSchema.properties } },
              },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          400: errorBody,
        },
      },
    },
    async (request) => {
      const { state, ...query } = request.query;
      if (state !== undefined) {
        const page = await deps.store.stationEvents.listAlertStates(request.tenantId, { ...query, ...(state !== 'any' ? { state } : {}) });
        return { items: page.items.map(({ tenantId: _t, ...a }) => a), nextCursor: page.nextCursor ?? null };
      }
      const page = await deps.store.stationEvents.listAlerts(request.tenantId, query);
      return { items: page.items.map(({ tenantId: _t, ...rest }) => rest), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; state?: 'open' | 'cleared' | 'any'; type?: string } }>(
    '/stations/:id/alerts',
    {
      schema: {
        tags: ['stations'],
        operationId: 'listStationAlerts',
        summary: 'A station’s alerts as states (open / cleared), cursor pagination',
        description: ALERT_STATE_DOC,
        params: stationIdParam,
        querystring: {
          ...pageQuery,
          properties: {
            ...pageQuery.properties,
            state: { type: 'string', enum: ['open', 'cleared', 'any'], default: 'any' },
            type: { type: 'string', minLength: 1, maxLength: 128 },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: alertStateSchema }, nextCursor: { type: ['string', 'null'] } } },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const { state, ...rest } = request.query;
      const page = await deps.store.stationEvents.listAlertStates(request.tenantId, { ...rest, stationId: id, ...(state && state !== 'any' ? { state } : {}) });
      return { items: page.items.map(({ tenantId: _t, ...a }) => a), nextCursor: page.nextCursor ?? null };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/stations/:id/status-reports',
    {
      schema: {
        tags: ['stations'],
        operationId: 'getStationStatusReports',
        summary: 'The latest firmware, diagnostics, log and publish-firmware status a station reported',
        description: 'One entry per kind, null when the station never reported it. The history is GET /stations/{id}/events?kind=….',
        params: stationIdParam,
        response: {
          200: { type: 'object', properties: Object.fromEntries(STATUS_KINDS.map((k) => [k, { anyOf: [eventSchema, { type: 'null' }] }])) },
          400: errorBody,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await stationOf(request.tenantId, id);
      const latest = await Promise.all(STATUS_KINDS.map((kind) => deps.store.stationEvents.list(request.tenantId, id, { kind, limit: 1 })));
      return Object.fromEntries(STATUS_KINDS.map((kind, i) => [kind, latest[i]!.items[0] ? view(latest[i]!.items[0]) : null]));
    },
  );
}
