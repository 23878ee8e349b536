import type { StationReply } from '../core/envelope.js';
import { CsmsError, codeForCallError, codeForFailure } from '../core/errors.js';
import type { Payload } from '../core/frame.js';
import type { OcppVersion } from '../core/protocols.js';
import type { CommandRun } from '../actors/commands/station-commands.js';
import type { ApiDeps } from './deps.js';

/**
 * The station's CALLRESULT payload, or the API error its reply stands for (one table,
 * core/errors.ts). A station that is connected nowhere in the caller's tenant is 404 when the
 * tenant does not know it (another tenant's station looks exactly like an absent one), else 409.
 */
export async function resultOf(deps: ApiDeps, tenantId: string, stationId: string, action: string, reply: StationReply): Promise<Payload> {
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
      if (reply.reason === 'disconnected' && !(await deps.store.getStation(tenantId, stationId))) {
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

export async function commandResult(deps: ApiDeps, tenantId: string, stationId: string, run: CommandRun): Promise<CommandResult> {
  const result = await resultOf(deps, tenantId, stationId, run.sent?.action ?? 'the command', run.reply);
  // A result always comes from a station that was found, so `sent` is there.
  const { protocol, action } = run.sent!;
  return { protocol, action, result, facts: run.reply.facts ?? {} };
}
