import type { FastifyInstance } from 'fastify';
import type { StationCommand } from '../../actors/commands/command.js';
import { changeAvailability } from '../../actors/commands/change-availability.js';
import { changeConfiguration } from '../../actors/commands/change-configuration.js';
import { clearCache } from '../../actors/commands/clear-cache.js';
import { dataTransfer } from '../../actors/commands/data-transfer.js';
import { getConfiguration } from '../../actors/commands/get-configuration.js';
import { getVariables } from '../../actors/commands/get-variables.js';
import { reset } from '../../actors/commands/reset.js';
import { setVariables } from '../../actors/commands/set-variables.js';
import { triggerMessage } from '../../actors/commands/trigger-message.js';
import { unlockConnector } from '../../actors/commands/unlock-connector.js';
import { clearMonitors, getMonitoringReport, setMonitoringBase, setMonitoringLevel, setMonitors } from '../../actors/commands/monitoring.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const idParams = { type: 'object', properties: { id: stationIdParam.properties.id }, required: ['id'] } as const;
const evseId = { type: 'integer', minimum: 0, description: 'EVSE (2.x); in 1.6 the connector id, 0 = whole station' };
const connectorId = { type: 'integer', minimum: 1, description: 'Connector of the EVSE (2.x only; 1.6 has one per EVSE)' };
const resultBody = {
  type: 'object',
  properties: {
    action: { type: 'string', description: 'The OCPP action that was sent' },
    protocol: { type: 'string' },
    result: { type: 'object', additionalProperties: true, description: 'The station’s CALLRESULT payload' },
    facts: { type: 'object', additionalProperties: true, description: 'What the CSMS decided while sending (e.g. the `requestId` it allocated)' },
  },
} as const;
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

const variableRef = {
  type: 'object',
  properties: {
    component: { type: 'string', maxLength: 50 },
    componentInstance: { type: 'string', maxLength: 50 },
    evseId: { type: 'integer', minimum: 0 },
    connectorId: { type: 'integer', minimum: 0 },
    variable: { type: 'string', maxLength: 50 },
    variableInstance: { type: 'string', maxLength: 50 },
    attributeType: { type: 'string', enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] },
  },
  required: ['component', 'variable'],
  additionalProperties: false,
} as const;

interface Spec {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /** The OpenAPI operationId: stable, unique, what generated clients name the method. */
  operationId: string;
  summary: string;
  /** How the body maps to 1.6 and to 2.x: shown in /docs. */
  mapping: string;
  body?: object;
  querystring?: object;
  /** The version-neutral command the validated body (or query, for GET) is the input of. */
  command: StationCommand<any, unknown>;
}

/** The commands operators use daily; `POST /stations/{id}/ocpp/{action}` covers every other action. */
const SPECS: Spec[] = [
  {
    method: 'POST', url: '/stations/:id/reset', operationId: 'resetStation', summary: 'Reset a station (or one EVSE in 2.x)',
    mapping: '1.6: `Reset { type: Soft|Hard }` (OnIdle→Soft, Immediate→Hard; evseId not allowed). 2.x: `Reset { type: OnIdle|Immediate, evseId? }` (Soft→OnIdle, Hard→Immediate).',
    body: { type: 'object', properties: { type: { type: 'string', enum: ['Soft', 'Hard', 'OnIdle', 'Immediate'] }, evseId }, required: ['type'], additionalProperties: false },
    command: reset,
  },
  {
    method: 'POST', url: '/stations/:id/availability', operationId: 'changeAvailability', summary: 'Make a station, EVSE or connector (in)operative',
    mapping: '1.6: `ChangeAvailability { connectorId: evseId ?? 0, type: Operative|Inoperative }`. 2.x: `ChangeAvailability { operationalStatus, evse?: { id: evseId, connectorId? } }`.',
    body: { type: 'object', properties: { operative: { type: 'boolean' }, evseId, connectorId }, required: ['operative'], additionalProperties: false },
    command: changeAvailability,
  },
  {
    method: 'POST', url: '/stations/:id/unlock', operationId: 'unlockConnector', summary: 'Unlock a connector',
    mapping: '1.6: `UnlockConnector { connectorId: evseId }`. 2.x: `UnlockConnector { evseId, connectorId: connectorId ?? 1 }`.',
    body: { type: 'object', properties: { evseId: { ...evseId, minimum: 1 }, connectorId }, required: ['evseId'], additionalProperties: false },
    command: unlockConnector,
  },
  {
    method: 'POST', url: '/stations/:id/trigger', operationId: 'triggerMessage', summary: 'Ask the station to send a message now (TriggerMessage)',
    mapping: '1.6: `TriggerMessage { requestedMessage: message, connectorId?: evseId }`. 2.x: `TriggerMessage { requestedMessage: message, evse?: { id: evseId, connectorId? } }`. `message` must be valid for the version (e.g. 1.6 StatusNotification, 2.x StatusNotification, BootNotification, Heartbeat, MeterValues).',
    body: { type: 'object', properties: { message: { type: 'string', maxLength: 64 }, evseId, connectorId }, required: ['message'], additionalProperties: false },
    command: triggerMessage,
  },
  {
    method: 'GET', url: '/stations/:id/configuration', operationId: 'getConfiguration', summary: 'Read configuration keys (OCPP 1.6)',
    mapping: '1.6: `GetConfiguration { key?: [...] }` (all keys when none given). 2.x stations answer 400 Wrong Protocol: use POST /stations/{id}/variables/get.',
    querystring: { type: 'object', properties: { key: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 100 } }, additionalProperties: false },
    command: getConfiguration,
  },
  {
    method: 'PUT', url: '/stations/:id/configuration', operationId: 'changeConfiguration', summary: 'Change one configuration key (OCPP 1.6)',
    mapping: '1.6: `ChangeConfiguration { key, value }`. 2.x stations answer 400 Wrong Protocol: use POST /stations/{id}/variables/set.',
    body: { type: 'object', properties: { key: { type: 'string', maxLength: 50 }, value: { type: 'string', maxLength: 500 } }, required: ['key', 'value'], additionalProperties: false },
    command: changeConfiguration,
  },
  {
    method: 'POST', url: '/stations/:id/variables/get', operationId: 'getVariables', summary: 'Read device-model variables (OCPP 2.x)',
    mapping: '2.x: `GetVariables { getVariableData: [{ component: { name, instance?, evse? }, variable: { name, instance? }, attributeType? }] }`. 1.6 stations answer 400 Wrong Protocol: use GET /stations/{id}/configuration.',
    body: { type: 'object', properties: { variables: { type: 'array', items: variableRef, minItems: 1, maxItems: 100 } }, required: ['variables'], additionalProperties: false },
    command: getVariables,
  },
  {
    method: 'POST', url: '/stations/:id/variables/set', operationId: 'setVariables', summary: 'Change device-model variables (OCPP 2.x)',
    mapping: '2.x: `SetVariables { setVariableData: [{ attributeValue: value, attributeType?, component, variable }] }`. 1.6 stations answer 400 Wrong Protocol: use PUT /stations/{id}/configuration.',
    body: {
      type: 'object',
      properties: {
        variables: {
          type: 'array', minItems: 1, maxItems: 100,
          items: { ...variableRef, properties: { ...variableRef.properties, value: { type: 'string', maxLength: 2500 } }, required: ['component', 'variable', 'value'] },
        },
      },
      required: ['variables'], additionalProperties: false,
    },
    command: setVariables,
  },
  {
    method: 'POST', url: '/stations/:id/monitoring', operationId: 'setVariableMonitoring', summary: 'Set variable monitors (OCPP 2.x)',
    mapping: '2.x: `SetVariableMonitoring { setMonitoringData: [{ id?, transaction?, value, type, severity, component, variable }] }`; the station’s `setMonitoringResult` (with the ids it gave) is returned. 1.6 stations answer 400 Wrong Protocol.',
    body: {
      type: 'object',
      properties: {
        monitors: {
          type: 'array', minItems: 1, maxItems: 100,
          items: {
            ...variableRef,
            properties: {
              ...variableRef.properties,
              id: { type: 'integer', minimum: 0 },
              type: { type: 'string', enum: ['UpperThreshold', 'LowerThreshold', 'Delta', 'Periodic', 'PeriodicClockAligned'] },
              value: { type: 'number' },
              severity: { type: 'integer', minimum: 0, maximum: 9 },
              transaction: { type: 'boolean' },
            },
            required: ['component', 'variable', 'type', 'value', 'severity'],
          },
        },
      },
      required: ['monitors'], additionalProperties: false,
    },
    command: setMonitors,
  },
  {
    method: 'POST', url: '/stations/:id/monitoring/clear', operationId: 'clearVariableMonitoring', summary: 'Remove variable monitors by id (OCPP 2.x)',
    mapping: '2.x: `ClearVariableMonitoring { id: ids }`.',
    body: { type: 'object', properties: { ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 100 } }, required: ['ids'], additionalProperties: false },
    command: clearMonitors,
  },
  {
    method: 'PUT', url: '/stations/:id/monitoring/base', operationId: 'setMonitoringBase', summary: 'Choose the station’s monitoring base (OCPP 2.x)',
    mapping: '2.x: `SetMonitoringBase { monitoringBase: All|FactoryDefault|HardWiredOnly }`.',
    body: { type: 'object', properties: { base: { type: 'string', enum: ['All', 'FactoryDefault', 'HardWiredOnly'] } }, required: ['base'], additionalProperties: false },
    command: setMonitoringBase,
  },
  {
    method: 'PUT', url: '/stations/:id/monitoring/level', operationId: 'setMonitoringLevel', summary: 'Report events up to a severity (OCPP 2.x)',
    mapping: '2.x: `SetMonitoringLevel { severity }` (0 Danger … 9 Debug).',
    body: { type: 'object', properties: { severity: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['severity'], additionalProperties: false },
    command: setMonitoringLevel,
  },
  {
    method: 'POST', url: '/stations/:id/monitoring/report', operationId: 'getMonitoringReport', summary: 'Ask for the station’s monitors (OCPP 2.x); the report arrives as NotifyMonitoringReport',
    mapping: '2.x: `GetMonitoringReport { requestId, monitoringCriteria?, componentVariable? }`. Without `requestId` the CSMS allocates one (in `facts.requestId`); the pages are stored (GET /stations/{id}/events?kind=monitoring-report) and the request’s status is at GET /stations/{id}/requests/{requestId}.',
    body: {
      type: 'object',
      properties: {
        requestId: { type: 'integer', minimum: 0 },
        criteria: { type: 'array', items: { type: 'string', enum: ['ThresholdMonitoring', 'DeltaMonitoring', 'PeriodicMonitoring'] }, minItems: 1, maxItems: 3 },
        variables: { type: 'array', items: variableRef, minItems: 1, maxItems: 100 },
      },
      additionalProperties: false,
    },
    command: getMonitoringReport,
  },
  {
    method: 'POST', url: '/stations/:id/clear-cache', operationId: 'clearCache', summary: 'Clear the station’s authorization cache',
    mapping: '1.6 and 2.x: `ClearCache {}`.',
    command: clearCache,
  },
  {
    method: 'POST', url: '/stations/:id/data-transfer', operationId: 'dataTransfer', summary: 'Send a vendor-specific DataTransfer',
    mapping: '1.6: `DataTransfer { vendorId, messageId?, data?: string }` (non-string data is JSON-encoded). 2.x: `DataTransfer { vendorId, messageId?, data?: any }`.',
    body: { type: 'object', properties: { vendorId: { type: 'string', maxLength: 255 }, messageId: { type: 'string', maxLength: 50 }, data: {} }, required: ['vendorId'], additionalProperties: false },
    command: dataTransfer,
  },
];

/** Typed, version-neutral command endpoints; each answers `{ action, protocol, result }`. */
export async function operatorCommandRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;
  for (const spec of SPECS) {
    app.route<{ Params: { id: string }; Body: unknown; Querystring: unknown }>({
      method: spec.method,
      url: spec.url,
      schema: {
        tags: ['commands'],
        operationId: spec.operationId,
        summary: spec.summary,
        description: `${spec.mapping}\n\nErrors: 404 unknown station (or another tenant’s), 409 not connected, 400 invalid for the station’s version, 502 CALLERROR, 504 no answer in time.`,
        params: idParams,
        ...(spec.body ? { body: spec.body } : {}),
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
        response: { 200: resultBody, ...errors },
      },
      handler: async (request) => {
        const { id } = request.params;
        const input = spec.method === 'GET' ? request.query ?? {} : request.body ?? {};
        const run = await deps.commands.run(request.tenantId, id, spec.command, input);
        const { action, protocol, result, facts } = await commandResult(deps, request, id, run);
        return Object.keys(facts).length > 0 ? { action, protocol, result, facts } : { action, protocol, result };
      },
    });
  }
}
