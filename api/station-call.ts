import type { FastifyRequest } from 'fastify';
import type { StationReply } from '../core/envelope.js';
import { CsmsError, codeForCallError, codeForFailure } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import type { OcppVersion } from '../core/protocols.js';
import type { CommandRun } from '../actors/commands/station-commands.js';
import type { ApiDeps } from './deps.js';

/** A command sent through the API, for its log line (server.ts writes it with the key that sent it). */
export interface CommandNote {
  stationId: string;
  /** null when the station was connected nowhere in the tenant, so nothing was sent. */
  action: string | null;
  /** The station's `status` (Accepted, Rejected, …), `CALLERROR <code>`, or why it got no answer. */
  result: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    command: CommandNote | undefined;
  }
}

/** The request a command came in on: its tenant, and where the command is noted. */
export type CommandRequest = Pick<FastifyRequest, 'tenantId' | 'command'>;

function outcome(reply: StationReply): string {
  switch (reply.status) {
    case 'result':
      return typeof reply.payload.status === 'string' ? reply.payload.status : 'result';
    case 'callerror':
      return `CALLERROR ${reply.code}`;
    case 'failed':
      return reply.reason;
  }
}

/**
 * The station's CALLRESULT payload, or the API error its reply stands for (one table,
 * core/errors.ts). A station that is connected nowhere in the caller's tenant is 404 when the
 * tenant does not know it (another tenant's station looks exactly like an absent one), else 409.
 */
export async function resultOf(deps: ApiDeps, request: CommandRequest, stationId: string, action: string, reply: StationReply): Promise<Payload> {
  request.command = { stationId, action, result: outcome(reply) };
  return payloadOf(deps, request.tenantId, stationId, action, reply);
}

async function payloadOf(deps: ApiDeps, tenantId: string, stationId: string, action: string, reply: StationReply): Promise<Payload> {
  switch (reply.status) {
    case 'result':
      return reply.payload;
    case 'callerror':
      throw new CsmsError(codeForCallError(reply.code), `Station answered ${action} with CALLERROR ${reply.code}`, {
        code: reply.code,
        description: reply.description,
        details: reply.details,
      });
    case 'failed':
      if (reply.reason === 'disconnected' && !(await deps.store.stations.getStation(tenantId, stationId))) {
        throw new CsmsError('STATION_NOT_FOUND', `Station ${stationId} not found`);
      }
      throw new CsmsError(codeForFailure(reply.reason), reply.message, reply.details);
  }
}

/** A typed command's answer: what was sent to which protocol, and the station's CALLRESULT. */
export interface CommandResult {
  protocol: OcppVersion;
  action: string;
  result: Payload;
  facts: Record<string, unknown>;
}

export async function commandResult(deps: ApiDeps, request: CommandRequest, stationId: string, run: CommandRun): Promise<CommandResult> {
  request.command = { stationId, action: run.sent?.action ?? null, result: outcome(run.reply) };
  const result = await payloadOf(deps, request.tenantId, stationId, run.sent?.action ?? 'the command', run.reply);
  // A result always comes from a station that was found, so `sent` is there.
  const { protocol, action } = run.sent!;
  return { protocol, action, result, facts: run.reply.facts ?? {} };
}
