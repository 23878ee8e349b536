import type { Logger } from 'pino';
import type { BusEvent } from '../core/envelope.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { TransactionStore } from '../core/ports/store/transaction-store.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import { activeChargingProfile, type StoredSessionProfile } from './chargingprofiles-receiver.js';
import { urlDelivery, type OcpiDeliveryLoop } from './delivery.js';
import type { RoamingService } from './roaming-service.js';

/** The station events after which a session's active charging profile may have changed. */
export const ACTIVE_PROFILE_EVENTS = ['profile.set', 'profile.cleared', 'charging-limit.set', 'charging-limit.cleared'] as const;

/** How far ahead the station is asked for its composite schedule (a day covers any session). */
const SCHEDULE_SECONDS = 86_400;
/** The most active transactions of one station looked at (a station has a handful of EVSEs). */
const MAX_SESSIONS = 64;

/** What changed on a station since its last look: profile ids set or cleared by id, and whether anything else changed. */
interface Pending {
  tenantId: string;
  profileIds: Set<number>;
  other: boolean;
  timer: NodeJS.Timeout;
}

/**
 * The chargingprofiles module's Sender-side push (OCPI 2.2.1 §14.2.2, PUT {url}/{session_id}):
 * when the charging limit on a station changes for another reason than the partner's own
 * SetChargingProfile (the operator's profile through the REST API, site load management, a
 * ClearChargingProfile, an external limit the station reports), each roaming session on it whose
 * partner has a chargingprofiles SENDER endpoint is told its new ActiveChargingProfile: the
 * station's composite schedule of the session's EVSE (GetCompositeSchedule through the one
 * command service, as the module's GET does). Events of a station are gathered for `debounceMs`
 * (site load management may set several profiles at once); a profile the partner set itself on
 * the session is not echoed back; an ActiveChargingProfile equal to the last one pushed for the
 * session is not pushed again (the marker, kind 'meta', is stored in the same write as the push).
 */
export class ActiveProfileSender {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly deps: {
      store: OcpiStore;
      transactions: Pick<TransactionStore, 'listTransactions'>;
      commands: Pick<StationCommands, 'run'>;
      roaming: Pick<RoamingService, 'partner'>;
      delivery: Pick<OcpiDeliveryLoop, 'wake'>;
      log: Pick<Logger, 'info' | 'warn'>;
      debounceMs: number;
    },
  ) {}

  /** A station event (ACTIVE_PROFILE_EVENTS) on a station this node holds. */
  onEvent(event: Pick<BusEvent, 'type' | 'tenantId' | 'stationId' | 'payload'>): void {
    const key = `${event.tenantId}|${event.stationId}`;
    let pending = this.pending.get(key);
    if (!pending) {
      const timer = setTimeout(() => {
        const due = this.pending.get(key)!;
        this.pending.delete(key);
        this.push(due.tenantId, event.stationId, due).catch((error: unknown) =>
          this.deps.log.warn({ err: error, tenantId: due.tenantId, stationId: event.stationId }, 'OCPI active charging profile not pushed'));
      }, this.deps.debounceMs);
      timer.unref();
      pending = { tenantId: event.tenantId, profileIds: new Set(), other: false, timer };
      this.pending.set(key, pending);
    }
    const payload = event.payload as { profile?: { id?: unknown }; filter?: { id?: unknown } };
    const id = event.type === 'profile.set' ? payload.profile?.id : event.type === 'profile.cleared' ? payload.filter?.id : undefined;
    if (typeof id === 'number') pending.profileIds.add(id);
    else pending.other = true;
  }

  stop(): void {
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
  }

  /** Pushes the sessions' new active profiles; how many were pushed. */
  async push(tenantId: string, stationId: string, why: Pick<Pending, 'profileIds' | 'other'>): Promise<number> {
    const { store, log } = this.deps;
    const active = await this.deps.transactions.listTransactions(tenantId, { stationId, active: true, limit: MAX_SESSIONS });
    let pushed = 0;
    for (const tx of active.items) {
      if (tx.evseId === null) continue;
      const session = await store.getDoc('session', tenantId, tx.id);
      if (!session) continue;
      const own = await store.getDoc<StoredSessionProfile>('chargingprofile', tenantId, tx.id);
      // Only the partner's own profile was set or cleared: it knows (its request has its own result).
      if (!why.other && own && [...why.profileIds].every((id) => id === own.body.profileId)) continue;
      const partner = await this.deps.roaming.partner(tenantId, session.scope).catch(() => undefined);
      if (partner?.status !== 'registered') continue;
      const endpoint = partner.endpoints.find((e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER');
      if (!endpoint) continue;
      const active = await activeChargingProfile(this.deps.commands, tenantId, stationId, tx.evseId, SCHEDULE_SECONDS);
      if (active.result !== 'ACCEPTED' || !active.profile) {
        log.warn({ tenantId, stationId, sessionId: tx.id, result: active.result }, 'OCPI active charging profile: the station gave no composite schedule');
        continue;
      }
      const markId = `active-profile:${tx.id}`;
      const fingerprint = JSON.stringify({ ...active.profile.charging_profile, start_date_time: undefined });
      const last = await store.getDoc<{ fingerprint: string }>('meta', tenantId, markId);
      if (last?.body.fingerprint === fingerprint) continue;
      const url = `${endpoint.url.replace(/\/+$/, '')}/${encodeURIComponent(tx.id)}`;
      const delivery = urlDelivery(tenantId, partner.id, { method: 'PUT', url, body: active.profile, objectKey: `chargingprofile:${tx.id}` });
      await store.putDoc({ tenantId, kind: 'meta', id: markId, scope: partner.id, lookup: null, lastUpdated: delivery.createdAt, body: { fingerprint } }, [delivery]);
      this.deps.delivery.wake();
      pushed++;
      log.info({ tenantId, stationId, sessionId: tx.id, partnerId: partner.id }, 'OCPI active charging profile pushed to the partner');
    }
    return pushed;
  }
}
