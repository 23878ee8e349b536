import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { LocationService } from './locations.js';
import { envelope, unknownObject } from './status.js';

/** §9.4.3 ProfileType. */
const PROFILE_TYPES = ['CHEAP', 'FAST', 'GREEN', 'REGULAR'] as const;
/** §9.3.2 ChargingPreferences. */
const preferencesBody = {
  type: 'object',
  required: ['profile_type'],
  properties: {
    profile_type: { type: 'string', enum: PROFILE_TYPES },
    departure_time: { type: 'string', format: 'date-time' },
    energy_need: { type: 'number', minimum: 0 },
    discharge_allowed: { type: 'boolean' },
  },
} as const;

/** §9.4.2 ChargingPreferencesResponse. */
export type ChargingPreferencesResponse = 'ACCEPTED' | 'DEPARTURE_REQUIRED' | 'ENERGY_NEED_REQUIRED' | 'NOT_POSSIBLE' | 'PROFILE_TYPE_NOT_SUPPORTED';

export interface ChargingPreferences {
  profile_type: (typeof PROFILE_TYPES)[number];
  departure_time?: string;
  energy_need?: number;
  discharge_allowed?: boolean;
}

/**
 * What Switchyard does with a driver's charging preferences (§9.3.2). Its smart charging shares a
 * site's capacity between sessions and caps them (site allocator), it does not shift a session in
 * time by price or by the energy mix, and it never discharges. So: FAST and REGULAR are what it
 * does anyway (ACCEPTED: as fast as the site allows); CHEAP and GREEN are PROFILE_TYPE_NOT_SUPPORTED;
 * discharge_allowed true is NOT_POSSIBLE; a session that is not ACTIVE, or an EVSE without the
 * CHARGING_PREFERENCES_CAPABLE capability, is NOT_POSSIBLE. Pure.
 */
export function answerPreferences(preferences: ChargingPreferences, session: { status: string }, evseCapable: boolean): ChargingPreferencesResponse {
  if (session.status !== 'ACTIVE' || !evseCapable) return 'NOT_POSSIBLE';
  if (preferences.profile_type === 'CHEAP' || preferences.profile_type === 'GREEN') return 'PROFILE_TYPE_NOT_SUPPORTED';
  if (preferences.discharge_allowed === true) return 'NOT_POSSIBLE';
  return 'ACCEPTED';
}

/**
 * The sessions module's receiver part on the CPO (OCPI 2.2.1 §9.2.1.2): `PUT {sessions}/{session_id}/charging_preferences`.
 * Only the partner whose token charges the session may set them (another one: 2003 unknown
 * session). Accepted preferences are kept beside the session (document kind `preferences`) and logged.
 */
export async function chargingPreferencesReceiver(app: FastifyInstance, options: { base: string; store: OcpiStore; locations: LocationService; log?: Pick<Logger, 'info'> }): Promise<void> {
  const { store, locations } = options;
  app.put(`${options.base}/:sessionId/charging_preferences`, { schema: { hide: true, body: preferencesBody } }, async (request) => {
    const { sessionId } = request.params as { sessionId: string };
    const { partner } = request.ocpiCaller!;
    const session = await store.getDoc<{ status: string; location_id: string; evse_uid: string }>('session', partner.tenantId, sessionId);
    if (!session || session.scope !== partner.id) throw unknownObject(`no session ${sessionId}`);
    const preferences = request.body as ChargingPreferences;
    const location = await locations.get(partner.tenantId, session.body.location_id);
    const evse = location?.body.location.evses?.find((e) => e.uid === session.body.evse_uid);
    const answer = answerPreferences(preferences, session.body, evse?.capabilities?.includes('CHARGING_PREFERENCES_CAPABLE') ?? false);
    if (answer === 'ACCEPTED') {
      const now = new Date().toISOString();
      await store.putDoc({ tenantId: partner.tenantId, kind: 'preferences', id: sessionId, scope: partner.id, lookup: null, lastUpdated: now, body: preferences });
    }
    options.log?.info({ tenantId: partner.tenantId, partnerId: partner.id, sessionId, profileType: preferences.profile_type, answer }, 'OCPI charging preferences received');
    return envelope(1000, answer);
  });
}
