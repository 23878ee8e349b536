import type { FastifyInstance } from 'fastify';
import { ApiError, CsmsError, ERRORS } from '../../core/errors.js';
import { MESSAGE_FORMATS, MESSAGE_PRIORITIES, MESSAGE_STATES } from '../../core/display-messages.js';
import type { StoredDisplayMessage } from '../../core/ports/store/display-message-store.js';
import { clearDisplayMessage, getDisplayMessages, setDisplayMessage, type DisplayMessageInput } from '../../actors/commands/display-messages.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult, type CommandRequest } from '../station-call.js';

const failures = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

const display = {
  type: 'object',
  description: 'Where it shows (2.x ComponentType): a display component, optionally of one EVSE',
  properties: { name: { type: 'string', minLength: 1, maxLength: 50 }, instance: { type: 'string', maxLength: 50 }, evseId: { type: 'integer', minimum: 1 }, connectorId: { type: 'integer', minimum: 1 } },
  required: ['name'],
  additionalProperties: false,
} as const;

const messageProperties = {
  id: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'Unique per station; absent: one above every id the station holds' },
  priority: { type: 'string', enum: MESSAGE_PRIORITIES },
  state: { type: 'string', enum: MESSAGE_STATES, description: 'Shown only in this station state; absent: always' },
  startsAt: { type: 'string', format: 'date-time' },
  endsAt: { type: 'string', format: 'date-time' },
  transactionId: { type: 'string', minLength: 1, maxLength: 36, description: 'Shown only during this transaction' },
  format: { type: 'string', enum: MESSAGE_FORMATS },
  language: { type: 'string', minLength: 1, maxLength: 8 },
  content: { type: 'string', maxLength: 512 },
  display,
} as const;

const messageBody = {
  type: 'object',
  description: 'Version-neutral display message (core/display-messages.ts), mapped to 2.x MessageInfoType.',
  properties: messageProperties,
  required: ['priority', 'format', 'content'],
  additionalProperties: false,
} as const;

const storedSchema = {
  type: 'object',
  properties: { stationId: { type: 'string' }, source: { type: 'string', enum: ['csms', 'station'] }, message: { type: 'object', properties: messageProperties }, updatedAt: { type: 'string' } },
} as const;

const view = ({ tenantId: _t, ...r }: StoredDisplayMessage) => r;

/** Display messages (block O; 2.0.1 and 2.1 — a 1.6 station answers 400 WRONG_PROTOCOL). */
export async function displayMessageRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  const requireStation = async (tenantId: string, stationId: string) => {
    if (!(await deps.store.stations.getStation(tenantId, stationId))) throw new ApiError('STATION_NOT_FOUND', `Station ${stationId} not found`);
  };

  app.get<{ Params: { id: string }; Querystring: { transactionId?: string } }>(
    '/stations/:id/display-messages',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'listStationDisplayMessages',
        summary: 'What the CSMS set (and the station accepted) and what the station reported (NotifyDisplayMessages); optionally one transaction\'s',
        description: '`reported` fills in when the station answers GetDisplayMessages (POST /stations/{id}/display-messages/query); an unfiltered query replaces it.',
        params: stationIdParam,
        querystring: { type: 'object', properties: { transactionId: { type: 'string', minLength: 1, maxLength: 36 } }, additionalProperties: false },
        response: { 200: { type: 'object', properties: { set: { type: 'array', items: storedSchema }, reported: { type: 'array', items: storedSchema } } }, 404: errorBody },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      await requireStation(tenantId, stationId);
      const all = await deps.store.displayMessages.list(tenantId, { stationId, ...(request.query.transactionId !== undefined ? { transactionId: request.query.transactionId } : {}) });
      return { set: all.filter((r) => r.source === 'csms').map(view), reported: all.filter((r) => r.source === 'station').map(view) };
    },
  );

  app.get<{ Querystring: { transactionId: string } }>(
    '/display-messages',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'listTransactionDisplayMessages',
        summary: "A transaction's display messages across the tenant's stations (set and reported)",
        querystring: { type: 'object', properties: { transactionId: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['transactionId'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: storedSchema } } }, 400: errorBody },
      },
    },
    async (request) => ({ items: (await deps.store.displayMessages.list(request.tenantId, { transactionId: request.query.transactionId })).map(view) }),
  );

  app.post<{ Params: { id: string }; Body: DisplayMessageInput }>(
    '/stations/:id/display-messages',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'setDisplayMessage',
        summary: 'SetDisplayMessage (2.x); kept when the station accepts',
        description:
          "The station's answer is `status`: Accepted, or NotSupportedMessageFormat, NotSupportedPriority, NotSupportedState, UnknownTransaction, Rejected (nothing kept). " +
          'endsAt not after startsAt is 400 VALIDATION_FAILED before anything is sent. A 1.6 station: 400 WRONG_PROTOCOL.',
        params: stationIdParam,
        body: messageBody,
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' }, messageId: { type: 'integer' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      return sendMessage(tenantId, stationId, request.body, request);
    },
  );

  /** One station's SetDisplayMessage, for the single and the bulk route. */
  async function sendMessage(tenantId: string, stationId: string, input: DisplayMessageInput, request: CommandRequest) {
    let messageId: number | undefined;
    const withId = {
      name: setDisplayMessage.name,
      resolve: async (scope: Parameters<NonNullable<typeof setDisplayMessage.resolve>>[0], given: DisplayMessageInput) => {
        const resolved = await setDisplayMessage.resolve!(scope, given);
        messageId = resolved.id;
        return resolved;
      },
      toOcpp: setDisplayMessage.toOcpp,
      fromOcpp: setDisplayMessage.fromOcpp,
    };
    const run = await deps.commands.run(tenantId, stationId, withId, input);
    const { protocol, result } = await commandResult(deps, request, stationId, run);
    return { status: result.status as string, protocol, messageId: messageId! };
  }

  app.post<{ Body: { stationIds: string[]; message: DisplayMessageInput } }>(
    '/display-messages/bulk',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'setDisplayMessageBulk',
        summary: 'SetDisplayMessage to many stations (at most 1000, 16 at a time); one outcome per station',
        description:
          'Each station gets the message through the same path as POST /stations/{id}/display-messages (without an id: its own next free id). ' +
          "An outcome is either the station's `status` or an `error` with the code and message the single route would have answered with " +
          '(STATION_NOT_CONNECTED, WRONG_PROTOCOL for 1.6, STATION_TIMEOUT, …). The request itself succeeds (200) whatever the stations answer.',
        body: {
          type: 'object',
          properties: { stationIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 255 }, minItems: 1, maxItems: 1000, uniqueItems: true }, message: messageBody },
          required: ['stationIds', 'message'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              outcomes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    stationId: { type: 'string' },
                    status: { type: 'string' },
                    protocol: { type: 'string' },
                    messageId: { type: 'integer' },
                    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
                  },
                },
              },
              accepted: { type: 'integer' },
            },
          },
          400: errorBody,
        },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { stationIds, message } = request.body;
      const outcomes: Array<Record<string, unknown>> = new Array(stationIds.length);
      let next = 0;
      const worker = async () => {
        while (next < stationIds.length) {
          const index = next++;
          const stationId = stationIds[index]!;
          const note = { tenantId, command: undefined };
          try {
            outcomes[index] = { stationId, ...(await sendMessage(tenantId, stationId, message, note)) };
          } catch (error) {
            const code = error instanceof CsmsError ? error.code : 'INTERNAL_ERROR';
            outcomes[index] = { stationId, error: { code, message: error instanceof CsmsError ? error.message : ERRORS.INTERNAL_ERROR.title } };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(16, stationIds.length) }, worker));
      request.log.info({ tenantId, stations: stationIds.length, accepted: outcomes.filter((o) => o.status === 'Accepted').length }, 'display message sent in bulk');
      return { outcomes, accepted: outcomes.filter((o) => o.status === 'Accepted').length };
    },
  );

  app.delete<{ Params: { id: string; messageId: number } }>(
    '/stations/:id/display-messages/:messageId',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'clearDisplayMessage',
        summary: 'ClearDisplayMessage (2.x): Accepted or Unknown (the station does not hold it) forget the message',
        params: { ...stationIdParam, properties: { ...stationIdParam.properties, messageId: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } }, required: ['id', 'messageId'] },
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const { id: stationId, messageId } = request.params;
      const run = await deps.commands.run(tenantId, stationId, clearDisplayMessage, { id: messageId });
      const { protocol, result } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol };
    },
  );

  app.post<{ Params: { id: string }; Body: { ids?: number[]; priority?: string; state?: string } }>(
    '/stations/:id/display-messages/query',
    {
      schema: {
        tags: ['display messages'],
        operationId: 'getDisplayMessages',
        summary: 'GetDisplayMessages (2.x): the station reports its messages in NotifyDisplayMessages pages, kept as `reported`',
        description:
          'Returns the station\'s answer (Accepted: pages follow; Unknown: none match) and the `requestId`; follow the request at ' +
          'GET /stations/{id}/requests/{requestId} (complete after the last page, tbc=false). Without filters what the station reported before is replaced.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
            priority: { type: 'string', enum: MESSAGE_PRIORITIES },
            state: { type: 'string', enum: MESSAGE_STATES },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, protocol: { type: 'string' }, requestId: { type: 'integer' } } }, ...failures },
      },
    },
    async (request) => {
      const { tenantId } = request;
      const stationId = request.params.id;
      const run = await deps.commands.run(tenantId, stationId, getDisplayMessages, request.body ?? {});
      const { protocol, result, facts } = await commandResult(deps, request, stationId, run);
      return { status: result.status as string, protocol, requestId: facts.requestId as number };
    },
  );
}

