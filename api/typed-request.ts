import type { StationCommand } from '../actors/commands/command.js';
import type { StationRequest } from '../core/requests.js';
import type { ApiDeps } from './deps.js';
import { commandResult, type CommandRequest } from './station-call.js';

/** A request-creating command's answer: the station's CALLRESULT and the request recorded for it. */
export interface RequestCommandResult {
  action: string;
  protocol: string;
  result: Record<string, unknown>;
  /** The request's id (GET /stations/{id}/requests/{requestId}); null when none was recorded. */
  requestId: number | null;
  /** The request as stored after the answer (status accepted, rejected…). */
  request: Omit<StationRequest, 'tenantId' | 'stationId'> | null;
}

export const requestCommandResultSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', description: 'The OCPP action that was sent' },
    protocol: { type: 'string' },
    result: { type: 'object', additionalProperties: true, description: 'The station’s CALLRESULT payload' },
    requestId: { type: ['integer', 'null'], description: 'The recorded request: GET /stations/{id}/requests/{requestId}' },
    request: { type: ['object', 'null'], additionalProperties: true, description: 'The request record after the answer (status, answer, progress…)' },
  },
} as const;

/** Sends a typed command that records a request (core/requests.ts) and reads the record back. */
export async function runRequestCommand<In>(
  deps: ApiDeps,
  request: CommandRequest,
  stationId: string,
  command: StationCommand<In, unknown>,
  input: In,
): Promise<RequestCommandResult> {
  const run = await deps.commands.run(request.tenantId, stationId, command, input);
  const { action, protocol, result, facts } = await commandResult(deps, request, stationId, run);
  const requestId = typeof facts.requestId === 'number' ? facts.requestId : null;
  const stored = requestId === null ? undefined : await deps.store.requests.get(request.tenantId, stationId, requestId);
  const view = stored ? (({ tenantId: _t, stationId: _s, ...rest }) => rest)(stored) : null;
  return { action, protocol, result, requestId, request: view };
}
