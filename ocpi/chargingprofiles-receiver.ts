import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { compositeFrom16, compositeFrom2 } from '../core/composite-schedule.js';
import { activeProfileResult, txProfileFromOcpi, type ActiveChargingProfileResult, type ChargingProfileResultType as ResultType, type OcpiChargingProfile } from '../core/ocpi/charging-profiles.js';
import type { StationReply } from '../core/envelope.js';
import type { Store } from '../core/ports/store/store.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { TransactionRecord } from '../core/transaction-types.js';
import { clearChargingProfile } from '../actors/commands/clear-charging-profile.js';
import { getCompositeSchedule } from '../actors/commands/get-composite-schedule.js';
import { setChargingProfile } from '../actors/commands/set-charging-profile.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import type { OcpiDeliveryLoop } from './delivery.js';
import { envelope } from './status.js';

/** §14.4 ChargingProfileResponseType: the receiver's answer at once. */
type ResponseType = 'ACCEPTED' | 'NOT_SUPPORTED' | 'REJECTED' | 'TOO_OFTEN' | 'UNKNOWN_SESSION';

/** What we keep of the profile a partner set on a session (doc kind 'chargingprofile', id = session id, scope = partner). */
export interface StoredSessionProfile {
  partnerId: string;
  stationId: string;
  evseId: number;
  /** The OCPP profile id it was sent under: a new PUT replaces it on the station (same id). */
  profileId: number;
  profile: OcpiChargingProfile;
  setAt: string;
  /**
   * The partner cleared it (DELETE): kept, so the station's profile.cleared event is still known
   * as the partner's own change (ActiveProfileSender does not echo it back).
   */
  clearedAt?: string;
}

const url = { type: 'string', minLength: 1, maxLength: 255, pattern: '^https?://' } as const;
/** §14.4 ChargingProfile (every field of the table; periods §14.4 ChargingProfilePeriod). */
const profileSchema = {
  type: 'object', required: ['charging_rate_unit'],
  properties: {
    start_date_time: { type: 'string', format: 'date-time' }, duration: { type: 'integer', minimum: 1 }, charging_rate_unit: { type: 'string', enum: ['W', 'A'] },
    min_charging_rate: { type: 'number', minimum: 0 },
    charging_profile_period: {
      type: 'array',
      items: { type: 'object', required: ['start_period', 'limit'], properties: { start_period: { type: 'integer', minimum: 0 }, limit: { type: 'number', minimum: 0 } } },
    },
  },
} as const;
/** §14.3 SetChargingProfile. */
const setBody = { type: 'object', required: ['charging_profile', 'response_url'], properties: { charging_profile: profileSchema, response_url: url } } as const;
const params = { type: 'object', required: ['sessionId'], properties: { sessionId: { type: 'string', minLength: 1, maxLength: 36 } } } as const;

/** How long a partner should wait for the result (ChargingProfileResponse `timeout`, seconds): beyond our OCPP call timeout. */
const RESULT_TIMEOUT_SEC = 60;
/**
 * The chargingprofiles module, receiver interface (OCPI 2.2.1 §14): a partner sets (PUT), reads
 * (GET: the composite schedule the station will follow) or clears (DELETE) the charging profile
 * of one of its sessions. Each is answered at once with a ChargingProfileResponse, then sent
 * through the one command service (SetChargingProfile / GetCompositeSchedule /
 * ClearChargingProfile, so with the REST API's checks and effects) and the station's outcome
 * POSTed to `response_url` through the delivery outbox (ChargingProfileResult,
 * ActiveChargingProfileResult, ClearProfileResult). A session the partner does not have (not
 * its token's, another tenant's, no such id) is UNKNOWN_SESSION; a finished one REJECTED. The
 * spec has no TIMEOUT result here: a station that does not answer in time is REJECTED (UNKNOWN
 * would say it has no profile).
 */
export async function chargingProfilesReceiver(app: FastifyInstance, options: {
  base: string; store: Pick<Store, 'transactions'>; ocpi: OcpiStore; commands: StationCommands; delivery: OcpiDeliveryLoop; log?: Pick<Logger, 'info' | 'warn'>;
}): Promise<void> {
  const { ocpi, commands, delivery, log } = options;
  const path = `${options.base}/:sessionId`;

  /** The partner's active session, or the answer when there is none. */
  async function session(tenantId: string, partnerId: string, sessionId: string): Promise<{ tx: TransactionRecord & { evseId: number } } | { refused: ResponseType; why: string }> {
    const doc = await ocpi.getDoc('session', tenantId, sessionId);
    if (!doc || doc.scope !== partnerId) return { refused: 'UNKNOWN_SESSION', why: `no session ${sessionId} of yours` };
    const tx = await options.store.transactions.getTransaction(tenantId, sessionId);
    if (!tx) return { refused: 'UNKNOWN_SESSION', why: `no session ${sessionId}` };
    if (!tx.isActive || tx.evseId === null) return { refused: 'REJECTED', why: `session ${sessionId} is not active` };
    return { tx: tx as TransactionRecord & { evseId: number } };
  }

  /** After the answer: run `work` (the station's outcome as a result object) and POST it to response_url. */
  function later(tenantId: string, partnerId: string, sessionId: string, responseUrl: string, request: string, work: () => Promise<{ result: ResultType }>): void {
    const fields = { tenantId, partnerId, sessionId, request };
    setImmediate(() => {
      work()
        .catch((error: unknown) => {
          log?.warn({ ...fields, err: error }, 'OCPI charging profile request not sent');
          return { result: 'REJECTED' as const };
        })
        .then((body) => {
          log?.info({ ...fields, result: body.result }, 'OCPI charging profile result');
          return delivery.sendTo(tenantId, partnerId, { method: 'POST', url: responseUrl, body, objectKey: `chargingprofile:${sessionId}` });
        })
        .catch((error: unknown) => log?.warn({ ...fields, err: error }, 'OCPI charging profile result not queued'));
    });
  }

  const answer = (result: ResponseType, message?: string) => envelope(1000, { result, timeout: result === 'ACCEPTED' ? RESULT_TIMEOUT_SEC : 0 }, message);

  // ── PUT: SetChargingProfile (§14.2.1.2) ─────────────────────────────────────────────────────
  app.put(path, { schema: { hide: true, params, body: setBody } }, async (request) => {
    const { partner } = request.ocpiCaller!;
    const { sessionId } = request.params as { sessionId: string };
    const body = request.body as { charging_profile: OcpiChargingProfile; response_url: string };
    const found = await session(partner.tenantId, partner.id, sessionId);
    if ('refused' in found) return answer(found.refused, found.why);
    const { tx } = found;
    later(partner.tenantId, partner.id, sessionId, body.response_url, 'set', async () => {
      const stored = await ocpi.getDoc<StoredSessionProfile>('chargingprofile', partner.tenantId, sessionId);
      const profileId = stored && stored.body.partnerId === partner.id ? stored.body.profileId : randomInt(1, 2 ** 31 - 1);
      const run = await commands.run(partner.tenantId, tx.stationId, setChargingProfile, { evseId: tx.evseId, profile: txProfileFromOcpi(profileId, tx.id, body.charging_profile) });
      const result = accepted(run.reply) ? 'ACCEPTED' : 'REJECTED';
      if (result === 'ACCEPTED') {
        const now = new Date().toISOString();
        const kept: StoredSessionProfile = { partnerId: partner.id, stationId: tx.stationId, evseId: tx.evseId, profileId, profile: body.charging_profile, setAt: now };
        await ocpi.putDoc({ tenantId: partner.tenantId, kind: 'chargingprofile', id: sessionId, scope: partner.id, lookup: null, lastUpdated: now, body: kept });
      }
      return { result };
    });
    return answer('ACCEPTED');
  });

  // ── GET: the active charging profile (§14.2.1.1): GetCompositeSchedule ─────────────────────
  app.get(path, {
    schema: { hide: true, params, querystring: { type: 'object', required: ['duration', 'response_url'], properties: { duration: { type: 'integer', minimum: 1, maximum: 31_536_000 }, response_url: url } } },
  }, async (request) => {
    const { partner } = request.ocpiCaller!;
    const { sessionId } = request.params as { sessionId: string };
    const query = request.query as { duration: number; response_url: string };
    const found = await session(partner.tenantId, partner.id, sessionId);
    if ('refused' in found) return answer(found.refused, found.why);
    const { tx } = found;
    later(partner.tenantId, partner.id, sessionId, query.response_url, 'get', () => activeChargingProfile(commands, partner.tenantId, tx.stationId, tx.evseId, query.duration));
    return answer('ACCEPTED');
  });

  // ── DELETE: ClearChargingProfile of the profile this partner set (§14.2.1.3) ───────────────
  app.delete(path, {
    schema: { hide: true, params, querystring: { type: 'object', required: ['response_url'], properties: { response_url: url } } },
  }, async (request) => {
    const { partner } = request.ocpiCaller!;
    const { sessionId } = request.params as { sessionId: string };
    const query = request.query as { response_url: string };
    const found = await session(partner.tenantId, partner.id, sessionId);
    if ('refused' in found) return answer(found.refused, found.why);
    const { tx } = found;
    later(partner.tenantId, partner.id, sessionId, query.response_url, 'clear', async () => {
      const stored = await ocpi.getDoc<StoredSessionProfile>('chargingprofile', partner.tenantId, sessionId);
      // Nothing of theirs on the session: no profile found (§14.4 UNKNOWN), nothing asked of the station.
      if (!stored || stored.body.partnerId !== partner.id || stored.body.clearedAt) return { result: 'UNKNOWN' as const };
      const run = await commands.run(partner.tenantId, tx.stationId, clearChargingProfile, { id: stored.body.profileId });
      const status = run.reply.status === 'result' ? String((run.reply.payload as { status?: unknown }).status ?? '') : '';
      if (status === 'Accepted' || status === 'Unknown') {
        const now = new Date().toISOString();
        await ocpi.putDoc({ ...stored, lastUpdated: now, body: { ...stored.body, clearedAt: now } });
      }
      return { result: status === 'Accepted' ? 'ACCEPTED' as const : status === 'Unknown' ? 'UNKNOWN' as const : 'REJECTED' as const };
    });
    return answer('ACCEPTED');
  });
}

/**
 * The active charging profile of an EVSE (§14.4): the station's composite schedule for the next
 * `duration` seconds (GetCompositeSchedule through the command service); REJECTED when the station
 * refused or did not answer.
 */
export async function activeChargingProfile(commands: Pick<StationCommands, 'run'>, tenantId: string, stationId: string, evseId: number, duration: number): Promise<ActiveChargingProfileResult> {
  const run = await commands.run(tenantId, stationId, getCompositeSchedule, { evseId, duration });
  if (run.reply.status !== 'result' || !run.sent) return { result: 'REJECTED' };
  const payload = run.reply.payload as Record<string, unknown>;
  return activeProfileResult(run.sent.protocol === 'ocpp1.6' ? compositeFrom16(payload, evseId) : compositeFrom2(payload, evseId), new Date());
}

function accepted(reply: StationReply): boolean {
  return reply.status === 'result' && (reply.payload as { status?: unknown }).status === 'Accepted';
}
