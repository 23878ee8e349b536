import type { ChargingProfile } from '../../core/charging-profile.js';
import { busEvent, type BusEvent } from '../../core/envelope.js';
import { NOMINAL_VOLTS } from '../../core/ev-charging-plan.js';
import type { Store } from '../../core/ports/store/store.js';
import { DEFAULT_COMPLIANCE, drawOf, limitChanged, observeDraw, type ComplianceRule, type ComplianceState } from '../../core/profile-compliance.js';
import type { NewStationEvent } from '../../core/station-events.js';

/** Alert type of a session drawing above the limit its station accepted (source `profile-compliance`). */
export const PROFILE_EXCEEDED = 'ChargingProfileExceeded';

export interface ProfileComplianceDeps {
  store: Pick<Store, 'stationEvents'>;
  publish(event: BusEvent): void;
  /** Whether this node holds the station (in a cluster every node hears every event; one acts). Absent: all. */
  holds?: (stationId: string) => boolean;
  rule?: ComplianceRule;
  clock?: () => Date;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Moves the operator metrics (workers/main.ts: csms_profile_exceeded_total, csms_profile_exceeded_open). */
  metrics?: { exceeded(outcome: 'raise' | 'clear'): void };
}

interface KnownProfile {
  profile: ChargingProfile;
  /** When the station accepted it (the profile.set event's time). */
  setAt: string;
}

/**
 * The limit a profile puts in force at `atMs` (A per phase), since when, and the W per A of its
 * period (nominal voltage × its numberPhases, three when it says none: a power reading is
 * converted with it); undefined when none.
 */
export function limitInForce(known: KnownProfile, atMs: number): { limitA: number; since: string; wattsPerAmp: number } | undefined {
  const { profile } = known;
  if (profile.kind === 'Recurring') return undefined;
  if (profile.validFrom && Date.parse(profile.validFrom) > atMs) return undefined;
  if (profile.validTo && Date.parse(profile.validTo) <= atMs) return undefined;
  let least: { limitA: number; since: number; wattsPerAmp: number } | undefined;
  for (const s of profile.schedules) {
    // A Relative schedule counts from the transaction's start; the time it was set is the closest we know without a read.
    const start = Date.parse(s.startSchedule ?? known.setAt);
    if (atMs < start || (s.duration !== undefined && atMs >= start + s.duration * 1000)) continue;
    let period: (typeof s.periods)[number] | undefined;
    for (const p of s.periods) if (start + p.startPeriod * 1000 <= atMs) period = p;
    if (!period) continue;
    const wattsPerAmp = NOMINAL_VOLTS * (period.numberPhases ?? 3);
    const limitA = s.unit === 'W' ? period.limit / wattsPerAmp : period.limit;
    const since = Math.max(start + period.startPeriod * 1000, Date.parse(known.setAt));
    if (!least || limitA < least.limitA) least = { limitA, since, wattsPerAmp };
  }
  return least && { limitA: Math.round(least.limitA * 10) / 10, since: new Date(least.since).toISOString(), wattsPerAmp: least.wattsPerAmp };
}

/**
 * Stations that ignore a charging profile (issue #13, "bad input"). Runs on the main thread next
 * to the site allocator and hears what it needs from the bus: `profile.set` / `profile.cleared`
 * (what each station accepted, from whoever sent it: the allocator, the API, NATS) and
 * `meter.values` of transactions. A session's draw (core/profile-compliance.ts: the highest
 * per-phase Current.Import, else Power.Active.Import) is compared with the limit in force of its
 * Tx profile (else its EVSE's TxDefault, else the station's), the highest stack level that
 * applies; above it by more than the tolerance for longer than the grace period → an alert
 * (`ChargingProfileExceeded`, source `profile-compliance`: stored, `alert.raised`, `GET /alerts`),
 * a warn log line and the metric; the first reading back within the limit clears it (the same
 * alert, `cleared: true`).
 *
 * Cheap on the hot path: a meter event costs one map lookup when its station holds no profile
 * this node knows of, and never a store read (only raising or clearing writes).
 */
export class ProfileComplianceWatch {
  private readonly rule: ComplianceRule;
  /** Per station: profiles it accepted (Tx and TxDefault), by profile id. */
  private readonly profiles = new Map<string, Map<number, KnownProfile & { evseId: number }>>();
  /** Per session (station|evse|transaction). */
  private readonly states = new Map<string, ComplianceState>();

  constructor(private readonly deps: ProfileComplianceDeps) {
    this.rule = deps.rule ?? DEFAULT_COMPLIANCE;
  }

  onEvent(event: BusEvent): void {
    const p = event.payload as Record<string, unknown>;
    switch (event.type) {
      case 'profile.set': {
        if (this.deps.holds && !this.deps.holds(event.stationId)) return;
        const profile = p.profile as ChargingProfile | undefined;
        if (!profile || (profile.purpose !== 'Tx' && profile.purpose !== 'TxDefault') || typeof p.evseId !== 'number') return;
        let byId = this.profiles.get(event.stationId);
        if (!byId) this.profiles.set(event.stationId, (byId = new Map()));
        byId.set(profile.id, { profile, evseId: p.evseId, setAt: event.time });
        return;
      }
      case 'profile.cleared': {
        const byId = this.profiles.get(event.stationId);
        if (!byId) return;
        const f = (p.filter ?? {}) as { id?: number; evseId?: number; purpose?: string; stackLevel?: number };
        for (const [id, k] of byId) {
          if ((f.id === undefined || f.id === id) && (f.evseId === undefined || f.evseId === k.evseId) && (f.purpose === undefined || f.purpose === k.profile.purpose) && (f.stackLevel === undefined || f.stackLevel === k.profile.stackLevel)) byId.delete(id);
        }
        if (byId.size === 0) this.profiles.delete(event.stationId);
        return;
      }
      case 'transaction.ended': {
        // By station and transaction (whatever EVSE the end names): nothing of the session stays behind.
        let state: ComplianceState | undefined;
        let evseId = p.evseId as number;
        for (const [key, st] of this.states) {
          const [stationId, evse, transactionId] = key.split('|');
          if (stationId !== event.stationId || transactionId !== String(p.transactionId)) continue;
          state = st;
          evseId = Number(evse);
          this.states.delete(key);
        }
        const byId = this.profiles.get(event.stationId);
        if (byId) for (const [id, k] of byId) if (k.profile.purpose === 'Tx' && k.profile.transactionId === String(p.transactionId)) byId.delete(id);
        if (byId?.size === 0) this.profiles.delete(event.stationId);
        // An alert open when the session ends is over with it.
        if (state?.alerted) void this.alert(event.tenantId, event.stationId, evseId, String(p.transactionId), true, { at: event.time, limitA: state.limitA, drawA: null, reason: 'transaction-ended' });
        return;
      }
      case 'meter.values': {
        const byId = this.profiles.get(event.stationId);
        if (!byId || typeof p.transactionId !== 'string' || typeof p.evseId !== 'number') return;
        this.observe(event.tenantId, event.stationId, p.evseId, p.transactionId, byId, p.meterValue as never);
        return;
      }
      default:
    }
  }

  private limitFor(byId: Map<number, KnownProfile & { evseId: number }>, evseId: number, transactionId: string, atMs: number): { limitA: number; since: string; wattsPerAmp: number; profileId: number } | undefined {
    // Tx of this transaction first; else TxDefault on the EVSE, else on the station; highest stack level wins.
    const tiers: Array<(k: KnownProfile & { evseId: number }) => boolean> = [
      (k) => k.profile.purpose === 'Tx' && k.profile.transactionId === transactionId,
      (k) => k.profile.purpose === 'TxDefault' && k.evseId === evseId,
      (k) => k.profile.purpose === 'TxDefault' && k.evseId === 0,
    ];
    for (const tier of tiers) {
      let best: { limitA: number; since: string; wattsPerAmp: number; profileId: number; stackLevel: number } | undefined;
      for (const k of byId.values()) {
        if (!tier(k)) continue;
        const inForce = limitInForce(k, atMs);
        if (inForce && (!best || k.profile.stackLevel > best.stackLevel)) best = { ...inForce, profileId: k.profile.id, stackLevel: k.profile.stackLevel };
      }
      if (best) return { limitA: best.limitA, since: best.since, wattsPerAmp: best.wattsPerAmp, profileId: best.profileId };
    }
    return undefined;
  }

  private observe(
    tenantId: string,
    stationId: string,
    evseId: number,
    transactionId: string,
    byId: Map<number, KnownProfile & { evseId: number }>,
    samples: ReadonlyArray<{ timestamp: string; sampledValue: ReadonlyArray<{ measurand: string; phase: string | null; value: number; unit: string | null; multiplier?: number }> }>,
  ): void {
    const key = `${stationId}|${evseId}|${transactionId}`;
    for (const sample of samples ?? []) {
      const atMs = Date.parse(sample.timestamp);
      const limit = this.limitFor(byId, evseId, transactionId, atMs);
      if (!limit) continue;
      const draw = drawOf(sample.sampledValue, limit.wattsPerAmp);
      if (draw === undefined) continue;
      let state = this.states.get(key);
      if (!state || state.limitA !== limit.limitA) state = limitChanged(state, limit.limitA, limit.since);
      const next = observeDraw(state, { at: new Date(atMs).toISOString(), amps: draw }, this.rule);
      this.states.set(key, next.state);
      if (next.outcome) {
        void this.alert(tenantId, stationId, evseId, transactionId, next.outcome === 'clear', {
          at: new Date(atMs).toISOString(), limitA: limit.limitA, drawA: Math.round(draw * 10) / 10, profileId: limit.profileId, overSince: next.state.overSince,
        });
      }
    }
  }

  private async alert(tenantId: string, stationId: string, evseId: number, transactionId: string, cleared: boolean, facts: { at: string } & Record<string, unknown>): Promise<void> {
    const { at, ...rest } = facts;
    const payload = {
      source: 'profile-compliance', cleared, evseId, transactionId, ...rest,
      toleranceA: this.rule.toleranceA, tolerancePct: this.rule.tolerancePct, graceSec: this.rule.graceSec,
    };
    const record: NewStationEvent = { tenantId, stationId, kind: 'alert', type: PROFILE_EXCEEDED, at, receivedAt: (this.deps.clock?.() ?? new Date()).toISOString(), requestId: null, payload };
    this.deps.metrics?.exceeded(cleared ? 'clear' : 'raise');
    const line = { stationId, tenantId, evseId, transactionId, ...rest };
    if (cleared) this.deps.log?.info(line, 'station back within its charging profile');
    else this.deps.log?.warn(line, 'station draws above its charging profile');
    try {
      await this.deps.store.stationEvents.record([record]);
      this.deps.publish(busEvent('alert.raised', tenantId, stationId, { type: PROFILE_EXCEEDED, at, requestId: null, ...payload }));
    } catch (error) {
      this.deps.log?.warn({ err: error, stationId, tenantId }, 'profile compliance alert could not be stored');
    }
  }
}
