import type { ChargingProfile } from '../../core/charging-profile.js';
import { busEvent, type BusEvent, type StationReply } from '../../core/envelope.js';
import { OCPP16_COMPONENT } from '../../core/configuration-results.js';
import { evNeedsOf, limitInUnit, planEvCharging, rateUnitOf, type EvNeeds } from '../../core/ev-charging-plan.js';
import { allocate, pathToRoot, PHASES, type Phase, type SessionDemand } from '../../core/load-allocation.js';
import type { Store } from '../../core/ports/store/store.js';
import {
  attachmentKey,
  attachmentOf,
  capacityNode,
  demandsOf,
  safeShares,
  sessionKey,
  type ActiveSession,
  type Site,
  type SessionLimit,
  type SiteAttachment,
  DEFAULT_SITE_VOLTAGE,
  wattsPerAmp,
  wireLimit,
} from '../../core/sites.js';
import { setChargingProfile } from './set-charging-profile.js';
import type { StationCommands } from './station-commands.js';

/** Bus event of every session whose limit an allocation changed (docs/nats-subjects.md). */
export const SITE_ALLOCATION = 'site.allocation';
/** Stack level of the profiles the allocator sets (TxDefault and Tx). */
export const SITE_STACK_LEVEL = 2;
/** Profile ids the allocator uses, per EVSE: fixed, so a new profile replaces the one before. */
export const SITE_DEFAULT_PROFILE_ID = 9_100_000;
export const SITE_TX_PROFILE_ID = 9_200_000;

export interface SiteAllocatorDeps {
  /**
   * `tokens`: priorities per id token or group (absent: the attachments' priorities only);
   * `deviceModel`: the rate unit each station reported (absent: the attachments' unit only).
   */
  store: Pick<Store, 'sites' | 'transactions'> & Partial<Pick<Store, 'tokens' | 'deviceModel'>>;
  commands: Pick<StationCommands, 'run'>;
  publish(event: BusEvent): void;
  /** This node's id: the lease holder's name. */
  nodeId: string;
  /** Events for one site arriving within this window are handled by one allocation (default 50 ms). */
  debounceMs?: number;
  /** How long a site's lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** A station that did not answer is not called again for this long; it is counted at what it holds (default 30 s). */
  silenceMs?: number;
  /** Every site this node runs is looked at again this often, retrying silent stations and renewing its lease (default a third of the lease; 0: never). */
  tickMs?: number;
  clock?: () => Date;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

interface SiteState {
  tenantId: string;
  siteId: string;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  /** TxDefault limit each attachment accepted (attachment key → A). */
  defaults: Map<string, number>;
  /** Tx limit each session accepted (session key → A). */
  held: Map<string, number>;
  /** Why the next run happens (for the log and the event). */
  reasons: Set<string>;
  /** `held` was seeded from the site's stored allocation (a node taking over knows what stations hold). */
  seeded: boolean;
}

function accepted(reply: StationReply): boolean {
  return reply.status === 'result' && reply.payload.status === 'Accepted';
}

/**
 * The profile the allocator sends: one period at `limitA` per phase, in the unit the station
 * takes (W: × nominal voltage × phases, whole watts; DC: over three phases, no numberPhases).
 */
function limitProfile(
  purpose: 'TxDefault' | 'Tx',
  id: number,
  limitA: number,
  at: string,
  transactionId: string | undefined,
  supply: { unit: 'A' | 'W'; numberPhases?: number; wattsPerAmp: number },
): ChargingProfile {
  const limit = limitInUnit(limitA, supply.unit, supply.wattsPerAmp);
  return {
    id,
    stackLevel: SITE_STACK_LEVEL,
    purpose,
    kind: 'Absolute',
    ...(transactionId !== undefined ? { transactionId } : {}),
    schedules: [{ id: 1, startSchedule: at, unit: supply.unit, periods: [{ startPeriod: 0, limit, ...(supply.numberPhases ? { numberPhases: supply.numberPhases } : {}) }] }],
  };
}

/**
 * How an attachment's profiles are sent: unit (the attachment's, else what the station reported,
 * else A), phases, W per A. DC sessions go in W over three phases.
 */
function supplyOf(site: Pick<Site, 'voltage'>, a: SiteAttachment, dc = false, reported?: 'A' | 'W'): { unit: 'A' | 'W'; numberPhases?: number; wattsPerAmp: number } {
  if (dc) return { unit: 'W', wattsPerAmp: wattsPerAmp(site, 3) };
  const phases = a.phases === 1 ? 1 : 3;
  return { unit: a.chargingRateUnit ?? reported ?? 'A', ...(phases === 1 ? { numberPhases: 1 } : {}), wattsPerAmp: wattsPerAmp(site, phases) };
}

/**
 * An external limit (2.x NotifyChargingLimit chargingSchedule) as A per phase: the least first
 * period of its schedules (W over three phases at `volts` per phase, or over its numberPhases);
 * undefined when it carries none.
 */
export function externalLimitA(schedules: unknown, volts = 230): number | undefined {
  if (!Array.isArray(schedules)) return undefined;
  let least: number | undefined;
  for (const s of schedules as Array<{ chargingRateUnit?: string; chargingSchedulePeriod?: Array<{ limit?: number; numberPhases?: number }> }>) {
    const period = s.chargingSchedulePeriod?.[0];
    if (typeof period?.limit !== 'number') continue;
    const amps = s.chargingRateUnit === 'W' ? period.limit / (volts * (period.numberPhases ?? 3)) : period.limit;
    least = least === undefined ? amps : Math.min(least, amps);
  }
  return least;
}

/** Phases a meter sample shows current on (Current.Import per phase above 1 A); undefined when it says nothing. */
export function phasesInUse(samples: ReadonlyArray<{ sampledValue: ReadonlyArray<{ measurand: string; phase: string | null; value: number }> }>): Phase[] | undefined {
  const seen = new Map<Phase, number>();
  for (const sample of samples) {
    for (const v of sample.sampledValue) {
      if (v.measurand !== 'Current.Import' || !v.phase) continue;
      const phase = v.phase.slice(0, 2) as Phase;
      if (!PHASES.includes(phase)) continue;
      seen.set(phase, Math.max(seen.get(phase) ?? 0, v.value));
    }
  }
  if (seen.size === 0) return undefined;
  return PHASES.filter((p) => (seen.get(p) ?? 0) > 1);
}

function stationIdsOf(site: Pick<Site, 'attachments'>): Set<string> {
  return new Set(site.attachments.map((a) => a.stationId));
}

/**
 * Site load management at run time (issue #13). Runs on the main thread of every node with an
 * API, like the firmware-campaign driver: it wakes on transaction start / end, charging-state and
 * phase changes, EV charging needs and station boots of attached stations, coalesces what arrives
 * within `debounceMs` per site, and runs one allocation per site at a time. In a cluster one node
 * runs a site's allocations: the site's lease in the shared store (compare-and-set), renewed as it
 * runs; another node takes over once it has run out.
 *
 * One run: (1) the TxDefaultProfile of every attachment at its safe share (sent when it changed or
 * the station booted), so a station that stops hearing from us stays within the limit; (2) the
 * allocation (core/load-allocation.ts) of the site's active sessions; (3) the TxProfiles, through
 * the typed SetChargingProfile command (so `store.chargingProfiles` and `profile.set` are the same
 * as from the API): every decrease first, and only once they are answered the increases. A station
 * that does not accept its decrease is counted at what it holds and the rest is allocated again
 * around it, so no increase is ever sent on capacity a silent station still uses. (4) The
 * allocation is written to the site (the API's live load) and `site.allocation` published per
 * session whose limit changed, and per session that left it (ended or detached: `ended: true`, 0 A).
 *
 * When the site's limit is below the sum of the minimums, sessions that do not fit are paused: a
 * TxProfile of 0 A (admission by priority, then start time; core/load-allocation.ts).
 */
export class SiteAllocator {
  private readonly clock: () => Date;
  private readonly debounceMs: number;
  private readonly leaseMs: number;
  private readonly silenceMs: number;
  private readonly sites = new Map<string, SiteState>();
  /** Phases seen in use per session (session key). */
  private readonly phases = new Map<string, Phase[]>();
  /** EV charging needs per station|evse; `baselineKwh`: the session's energy when they were first planned. */
  private readonly needs = new Map<string, { needs: EvNeeds; baselineKwh?: number }>();
  /** The rate unit each station reported (station id → unit; null: nothing usable); forgotten when it boots. */
  private readonly rateUnits = new Map<string, 'A' | 'W' | null>();
  /** Priority of each session's id token or group (session key → priority; null: none of its own). */
  private readonly tokenPriorities = new Map<string, number | null>();
  /** External limits (NotifyChargingLimit schedules) per station|evse and source; evse 0 = the whole station; converted to A at the site's voltage when allocating. */
  private readonly external = new Map<string, Map<string, unknown>>();
  /** Last charging state per station|transaction: a change wakes the site. */
  private readonly chargingStates = new Map<string, string | null>();
  /** station|evse whose NotifyEVChargingNeeds was accepted: its next allocation sends a TxProfile even if unchanged. */
  private readonly owed = new Set<string>();
  /** Station → until when it is not called (it did not answer). */
  private readonly silent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: SiteAllocatorDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.debounceMs = deps.debounceMs ?? 50;
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.silenceMs = deps.silenceMs ?? 30_000;
  }

  start(): void {
    const tick = this.deps.tickMs ?? Math.floor(this.leaseMs / 3);
    if (tick > 0) {
      this.timer = setInterval(() => {
        for (const s of this.sites.values()) if (s.held.size > 0 || s.defaults.size > 0) this.schedule(s.tenantId, s.siteId, 'tick');
      }, tick);
      this.timer.unref();
    }
  }

  /** Bus events that may change a site's allocation (subscribed by workers/main.ts). */
  onEvent(event: BusEvent): void {
    if (this.stopped) return;
    const p = event.payload as Record<string, unknown>;
    let reason: string | undefined;
    switch (event.type) {
      case 'transaction.started':
      case 'transaction.ended':
        reason = event.type;
        this.chargingStates.delete(`${event.stationId}|${String(p.transactionId)}`);
        // EV needs belong to one session.
        if (event.type === 'transaction.ended' && typeof p.evseId === 'number') this.needs.delete(`${event.stationId}|${p.evseId}`);
        break;
      case 'transaction.updated': {
        const key = `${event.stationId}|${String(p.transactionId)}`;
        const state = (p.chargingState as string | null | undefined) ?? null;
        if (this.chargingStates.has(key) && this.chargingStates.get(key) !== state) reason = 'charging-state';
        this.chargingStates.set(key, state);
        if (p.isActive === false) this.chargingStates.delete(key);
        break;
      }
      case 'meter.values': {
        if (typeof p.transactionId !== 'string' || typeof p.evseId !== 'number') return;
        const phases = phasesInUse(p.meterValue as never);
        if (!phases || phases.length === 0) return;
        const key = sessionKey({ stationId: event.stationId, evseId: p.evseId, transactionId: p.transactionId });
        const before = this.phases.get(key);
        if (before && before.join() === phases.join()) return;
        this.phases.set(key, phases);
        reason = 'phases';
        break;
      }
      case 'ev.charging-needs': {
        if (typeof p.evseId !== 'number') return;
        const needs = evNeedsOf(p.chargingNeeds);
        const key = `${event.stationId}|${p.evseId}`;
        if (needs) this.needs.set(key, { needs });
        // Accepted: the CSMS owes this transaction a TxProfile (K17), even if its limit stays.
        if (p.type === 'Accepted') this.owed.add(key);
        reason = 'ev-charging-needs';
        break;
      }
      case 'ev.charging-schedule': {
        // The EV's schedule exceeds the profile sent (the handler checked it): the profile is sent again.
        if (typeof p.evseId !== 'number' || !Array.isArray(p.violations) || p.violations.length === 0) return;
        this.owed.add(`${event.stationId}|${p.evseId}`);
        reason = 'ev-schedule-violation';
        break;
      }
      case 'charging-limit.set': {
        const key = `${event.stationId}|${typeof p.evseId === 'number' ? p.evseId : 0}`;
        const bySource = this.external.get(key) ?? new Map<string, unknown>();
        if (externalLimitA(p.chargingSchedule) === undefined) bySource.delete(String(p.type));
        else bySource.set(String(p.type), p.chargingSchedule);
        if (bySource.size > 0) this.external.set(key, bySource);
        else this.external.delete(key);
        reason = 'charging-limit';
        break;
      }
      case 'charging-limit.cleared': {
        const key = `${event.stationId}|${typeof p.evseId === 'number' ? p.evseId : 0}`;
        this.external.get(key)?.delete(String(p.type));
        if (this.external.get(key)?.size === 0) this.external.delete(key);
        reason = 'charging-limit';
        break;
      }
      case 'station.booted':
        // A rebooted station may have lost what it held: its defaults are sent again (its configuration may have changed too).
        this.rateUnits.delete(event.stationId);
        for (const s of this.sites.values()) for (const key of s.defaults.keys()) if (key.startsWith(`${event.stationId}|`)) s.defaults.delete(key);
        reason = 'station-booted';
        break;
      default:
        return;
    }
    if (!reason) return;
    const why = reason;
    this.deps.store.sites
      .findByStation(event.tenantId, event.stationId)
      .then((site) => site && this.schedule(site.tenantId, site.id, why))
      .catch((error) => this.deps.log?.warn({ err: error, stationId: event.stationId }, 'site lookup failed'));
  }

  /** The site changed (created, attachments, limits): its defaults and allocation are brought up to date. */
  siteChanged(tenantId: string, siteId: string): void {
    this.schedule(tenantId, siteId, 'site-changed');
  }

  /** Runs the site's allocation after the debounce window (once, however often it is called meanwhile). */
  schedule(tenantId: string, siteId: string, reason: string): void {
    if (this.stopped) return;
    const key = `${tenantId}|${siteId}`;
    let s = this.sites.get(key);
    if (!s) {
      s = { tenantId, siteId, timer: undefined, running: undefined, again: false, defaults: new Map(), held: new Map(), reasons: new Set(), seeded: false };
      this.sites.set(key, s);
    }
    s.reasons.add(reason);
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer) return;
    const state = s;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.runNow(state);
    }, this.debounceMs);
  }

  private runNow(s: SiteState): void {
    const reasons = [...s.reasons];
    s.reasons.clear();
    s.running = this.run(s, reasons)
      .catch((error) => this.deps.log?.warn({ err: error, siteId: s.siteId, tenantId: s.tenantId }, 'site allocation failed'))
      .finally(() => {
        s.running = undefined;
        if (s.again && !this.stopped) {
          s.again = false;
          this.schedule(s.tenantId, s.siteId, [...s.reasons][0] ?? 'again');
        }
      });
  }

  /** The least of the EV's needs (`evCapA`: its plan) and the external limits on its EVSE or its whole station. */
  private capOf(stationId: string, evseId: number, evCapA: number | undefined, volts: number): number | undefined {
    const caps = [
      evCapA,
      ...[...(this.external.get(`${stationId}|${evseId}`)?.values() ?? []), ...(this.external.get(`${stationId}|0`)?.values() ?? [])].map((x) => externalLimitA(x, volts)),
    ].filter((c): c is number => c !== undefined);
    return caps.length > 0 ? Math.min(...caps) : undefined;
  }

  /** Resolves once no allocation is running or waiting (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const busy = [...this.sites.values()].filter((s) => s.running || s.timer);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.running ?? new Promise((r) => setTimeout(r, this.debounceMs))));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.sites.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.all([...this.sites.values()].map((s) => s.running));
    // Hand back the leases this node holds, so another node takes over at once.
    for (const s of this.sites.values()) {
      const site = await this.deps.store.sites.get(s.tenantId, s.siteId).catch(() => undefined);
      if (site?.lease?.nodeId === this.deps.nodeId) await this.deps.store.sites.save({ ...site, lease: null }, site.version).catch(() => undefined);
    }
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /** Takes or renews the lease; the site as written, or undefined when another node runs it. */
  private async lease(site: Site): Promise<Site | undefined> {
    const nodeId = this.deps.nodeId;
    let current: Site | undefined = site;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      const now = Date.parse(this.now());
      const lease = current.lease;
      if (lease && lease.nodeId !== nodeId && Date.parse(lease.until) > now) return undefined;
      if (lease?.nodeId === nodeId && Date.parse(lease.until) - now > this.leaseMs / 2) return current;
      const saved = await this.deps.store.sites.save({ ...current, lease: { nodeId, until: new Date(now + this.leaseMs).toISOString() } }, current.version);
      if (saved) return saved;
      current = await this.deps.store.sites.get(site.tenantId, site.id);
    }
    return undefined;
  }

  /**
   * The priority of a session's id token, else of its group (the token record named by the
   * token's groupId), else null; looked up once per session and kept until it ends.
   */
  private async tokenPriority(tenantId: string, key: string, idToken: string | undefined): Promise<number | null> {
    const known = this.tokenPriorities.get(key);
    if (known !== undefined) return known;
    const tokens = this.deps.store.tokens;
    let priority: number | null = null;
    if (tokens && idToken) {
      try {
        const token = await tokens.matchIdToken(tenantId, idToken);
        priority = token?.priority ?? null;
        if (priority === null && token?.groupId) priority = (await tokens.matchIdToken(tenantId, token.groupId))?.priority ?? null;
      } catch (error) {
        this.deps.log?.warn({ err: error, tenantId }, 'token priority lookup failed');
        return null;
      }
    }
    this.tokenPriorities.set(key, priority);
    return priority;
  }

  /**
   * The unit a station said its profiles must be in (2.x SmartChargingCtrlr.RateUnit, 1.6
   * ChargingScheduleAllowedChargingRateUnit, from its device model), looked up once per station.
   */
  private async rateUnit(tenantId: string, stationId: string): Promise<'A' | 'W' | undefined> {
    const known = this.rateUnits.get(stationId);
    if (known !== undefined) return known ?? undefined;
    const model = this.deps.store.deviceModel;
    let unit: 'A' | 'W' | undefined;
    if (model) {
      try {
        for (const [component, variable] of [['SmartChargingCtrlr', 'RateUnit'], [OCPP16_COMPONENT, 'ChargingScheduleAllowedChargingRateUnit']] as const) {
          const page = await model.listDeviceModel(tenantId, stationId, { component, variable, limit: 1 });
          const value = page.items[0]?.attributes.find((a) => (a.type ?? 'Actual') === 'Actual')?.value;
          unit = rateUnitOf(value ?? undefined);
          if (unit) break;
        }
      } catch (error) {
        this.deps.log?.warn({ err: error, stationId }, 'rate unit lookup failed');
        return undefined;
      }
    }
    this.rateUnits.set(stationId, unit ?? null);
    return unit;
  }

  private isSilent(stationId: string): boolean {
    const until = this.silent.get(stationId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.silent.delete(stationId);
    return false;
  }

  /** Sends one profile; false when the station did not accept it (a silent one is not called). */
  private async send(tenantId: string, stationId: string, evseId: number, profile: ChargingProfile): Promise<boolean> {
    if (this.isSilent(stationId)) return false;
    try {
      // Ratings given: the allocator's Tx limits are within the attachment's rating by construction, and the
      // command then does not look the site up again for every profile (its own rating check is for callers that did not).
      const run = await this.deps.commands.run(tenantId, stationId, setChargingProfile, { evseId, profile, ratingA: Number.MAX_SAFE_INTEGER, ratingW: Number.MAX_SAFE_INTEGER });
      if (accepted(run.reply)) return true;
      if (run.reply.status === 'failed') this.silent.set(stationId, Date.now() + this.silenceMs);
      this.deps.log?.warn({ stationId, evseId, purpose: profile.purpose, reply: run.reply.status === 'result' ? run.reply.payload : run.reply }, 'site profile not accepted');
      return false;
    } catch (error) {
      this.deps.log?.warn({ err: error, stationId, evseId, purpose: profile.purpose }, 'site profile could not be sent');
      return false;
    }
  }

  private async run(s: SiteState, reasons: string[]): Promise<void> {
    const startedAt = Date.now();
    const loaded = await this.deps.store.sites.get(s.tenantId, s.siteId);
    if (!loaded) {
      this.sites.delete(`${s.tenantId}|${s.siteId}`);
      return;
    }
    const site = await this.lease(loaded);
    if (!site) return;
    const at = this.now();
    if (!s.seeded) {
      // What the stored allocation says the sessions hold (written by whichever node ran the site
      // last): without it a node taking over would count them at their defaults and could send an
      // increase before the decrease that makes room for it.
      for (const x of site.allocation?.sessions ?? []) if (!s.held.has(sessionKey(x))) s.held.set(sessionKey(x), x.limitA);
      s.seeded = true;
    }

    // The unit each station reported, for attachments that do not name one (cached per station).
    const reported = new Map<string, 'A' | 'W' | undefined>();
    for (const a of site.attachments) if (a.chargingRateUnit === undefined && !reported.has(a.stationId)) reported.set(a.stationId, await this.rateUnit(site.tenantId, a.stationId));

    // 1. Safe defaults, decreases before increases.
    const shares = safeShares(site);
    const attachmentKeys = new Set(site.attachments.map((a) => attachmentKey(a.stationId, a.evseId)));
    for (const key of s.defaults.keys()) if (!attachmentKeys.has(key)) s.defaults.delete(key);
    const defaultsToSend = site.attachments.filter((a) => s.defaults.get(attachmentKey(a.stationId, a.evseId)) !== shares.get(attachmentKey(a.stationId, a.evseId)));
    const down = defaultsToSend.filter((a) => (s.defaults.get(attachmentKey(a.stationId, a.evseId)) ?? Infinity) > shares.get(attachmentKey(a.stationId, a.evseId))!);
    const up = defaultsToSend.filter((a) => !down.includes(a));
    for (const batch of [down, up]) {
      await Promise.all(
        batch.map(async (a) => {
          const key = attachmentKey(a.stationId, a.evseId);
          const limit = shares.get(key)!;
          const profile = limitProfile('TxDefault', SITE_DEFAULT_PROFILE_ID + a.evseId, limit, at, undefined, supplyOf(site, a, false, reported.get(a.stationId)));
          if (await this.send(site.tenantId, a.stationId, a.evseId, profile)) s.defaults.set(key, limit);
        }),
      );
    }

    const marks: Record<string, number> = { defaults: Date.now() - startedAt };
    // 2. The active sessions of the attached stations.
    const sessions: ActiveSession[] = [];
    /** Sessions whose EV charges on DC: their profiles go in W. */
    const dc = new Set<string>();
    for (const stationId of new Set(site.attachments.map((a) => a.stationId))) {
      const page = await this.deps.store.transactions.listTransactions(site.tenantId, { stationId, active: true, limit: 100 });
      for (const tx of page.items) {
        const evseId = tx.evseId ?? 1;
        if (!attachmentOf(site, stationId, evseId)) continue;
        const key = sessionKey({ stationId, evseId, transactionId: tx.id });
        const attachment = attachmentOf(site, stationId, evseId)!;
        const phases = this.phases.get(key);
        // EV needs (K17): the plan that delivers its energy by departure, within its min and max.
        const planned = this.needs.get(`${stationId}|${evseId}`);
        let evCapA: number | undefined;
        let evMinA: number | undefined;
        if (planned) {
          const kwh = Number.isFinite(tx.totalKwh) ? tx.totalKwh : 0;
          planned.baselineKwh ??= kwh;
          const wpa = planned.needs.mode === 'DC' ? wattsPerAmp(site, 3) : wattsPerAmp(site, (phases?.length ?? (attachment.phases === 1 ? 1 : 3)));
          const plan = planEvCharging(planned.needs, at, wpa, Math.max(0, (kwh - planned.baselineKwh) * 1000), site.minA);
          evCapA = plan.maxA;
          evMinA = plan.minA;
          if (planned.needs.mode === 'DC') dc.add(key);
        }
        const priority = await this.tokenPriority(site.tenantId, key, tx.idToken?.idToken);
        sessions.push({
          stationId, evseId, transactionId: tx.id, startedAt: tx.startedAt, phases, capA: this.capOf(stationId, evseId, evCapA, site.voltage ?? DEFAULT_SITE_VOLTAGE),
          ...(evMinA !== undefined ? { minA: evMinA } : {}), ...(priority !== null ? { priority } : {}),
        });
      }
    }
    const live = new Set(sessions.map(sessionKey));
    for (const key of this.tokenPriorities.keys()) if (stationIdsOf(site).has(key.split('|')[0]!) && !live.has(key)) this.tokenPriorities.delete(key);
    for (const key of s.held.keys()) if (!live.has(key)) s.held.delete(key);
    const stationIds = new Set(site.attachments.map((a) => a.stationId));
    for (const key of this.phases.keys()) if (stationIds.has(key.split('|')[0]!) && !live.has(key)) this.phases.delete(key);

    // What each session draws on now: its Tx limit, or its default until it has one.
    const effective = (x: ActiveSession): number => {
      const held = s.held.get(sessionKey(x));
      if (held !== undefined) return held;
      const a = attachmentOf(site, x.stationId, x.evseId)!;
      return s.defaults.get(attachmentKey(a.stationId, a.evseId)) ?? shares.get(attachmentKey(a.stationId, a.evseId)) ?? 0;
    };
    const byKey = new Map(sessions.map((x) => [sessionKey(x), x]));
    const nodes = site.nodes.map((n) => capacityNode(n, site.voltage));
    const baseDemands = demandsOf(site, sessions);
    const pinned = new Map<string, number>();
    const compute = () => {
      const demands: SessionDemand[] = baseDemands.map((d) => (pinned.has(d.id) ? { ...d, minA: pinned.get(d.id)!, maxA: pinned.get(d.id)!, priority: Number.MAX_SAFE_INTEGER } : d));
      const result = allocate(nodes, demands);
      return { ...result, sessions: result.sessions.map((x) => ({ ...x, limitA: wireLimit(x.limitA) })) };
    };

    marks.sessions = Date.now() - startedAt;
    // 3. Decreases first; a station that does not take its decrease is pinned at what it holds.
    let allocation = compute();
    for (let round = 0; round < 4; round++) {
      const decreases = allocation.sessions.filter((a) => !pinned.has(a.id) && a.limitA < effective(byKey.get(a.id)!));
      if (decreases.length === 0) break;
      const failed: string[] = [];
      await Promise.all(
        decreases.map(async (a) => {
          const x = byKey.get(a.id)!;
          const attachment = attachmentOf(site, x.stationId, x.evseId)!;
          const ok = await this.send(site.tenantId, x.stationId, x.evseId, limitProfile('Tx', SITE_TX_PROFILE_ID + x.evseId, a.limitA, at, x.transactionId, supplyOf(site, attachment, dc.has(a.id), reported.get(x.stationId))));
          if (ok) {
            s.held.set(a.id, a.limitA);
            this.owed.delete(`${x.stationId}|${x.evseId}`);
          } else failed.push(a.id);
        }),
      );
      if (failed.length === 0) break;
      for (const id of failed) pinned.set(id, effective(byKey.get(id)!));
      allocation = compute();
    }
    marks.decreases = Date.now() - startedAt;
    // Then the increases (and first profiles that are not decreases); a refusal leaves the session lower, which is safe.
    const owes = (x: ActiveSession) => this.owed.has(`${x.stationId}|${x.evseId}`);
    const increases = allocation.sessions.filter((a) => !pinned.has(a.id) && (s.held.get(a.id) !== a.limitA || owes(byKey.get(a.id)!)) && a.limitA >= effective(byKey.get(a.id)!));
    await Promise.all(
      increases.map(async (a) => {
        const x = byKey.get(a.id)!;
        const attachment = attachmentOf(site, x.stationId, x.evseId)!;
        const ok = await this.send(site.tenantId, x.stationId, x.evseId, limitProfile('Tx', SITE_TX_PROFILE_ID + x.evseId, a.limitA, at, x.transactionId, supplyOf(site, attachment, dc.has(a.id), reported.get(x.stationId))));
        if (ok) s.held.set(a.id, a.limitA);
        if (ok) this.owed.delete(`${x.stationId}|${x.evseId}`);
      }),
    );

    marks.increases = Date.now() - startedAt;
    // 4. What the sessions hold now, written to the site and published.
    const previous = new Map((site.allocation?.sessions ?? []).map((x) => [sessionKey(x), x]));
    const limits: SessionLimit[] = allocation.sessions.map((a) => {
      const x = byKey.get(a.id)!;
      const holds = s.held.get(a.id) ?? effective(x);
      return { stationId: x.stationId, evseId: x.evseId, transactionId: x.transactionId, limitA: holds, paused: holds === 0 };
    });
    const nodeLoad: Record<string, Record<Phase, number>> = Object.fromEntries(nodes.map((n) => [n.id, { L1: 0, L2: 0, L3: 0 }]));
    const byNode = new Map(nodes.map((n) => [n.id, n]));
    for (const d of baseDemands) {
      const held = limits.find((l) => sessionKey(l) === d.id)!.limitA;
      if (held <= 0) continue;
      for (const id of pathToRoot(byNode, d.nodeId)) for (const phase of new Set(d.phases)) nodeLoad[id]![phase] = Math.round((nodeLoad[id]![phase] + held) * 10) / 10;
    }
    const state = { at: this.now(), sessions: limits, nodeLoad };
    let current: Site | undefined = site;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (await this.deps.store.sites.save({ ...current, allocation: state }, current.version)) break;
      current = await this.deps.store.sites.get(site.tenantId, site.id);
      if (current?.lease?.nodeId !== this.deps.nodeId) break;
    }
    const changed = limits.filter((l) => previous.get(sessionKey(l))?.limitA !== l.limitA || previous.get(sessionKey(l))?.paused !== l.paused);
    for (const l of changed) {
      this.deps.publish(
        busEvent(SITE_ALLOCATION, site.tenantId, l.stationId, {
          siteId: site.id,
          evseId: l.evseId,
          transactionId: l.transactionId,
          limitA: l.limitA,
          paused: l.paused,
          previousLimitA: previous.get(sessionKey(l))?.limitA ?? null,
          pinned: pinned.has(sessionKey(l)),
          reasons,
        }),
      );
    }
    // Sessions that left the allocation (ended, detached): their load is gone from the nodes, which
    // a follower of the live load (the operator UI) only learns from an event.
    const kept = new Set(limits.map(sessionKey));
    for (const [key, x] of previous) {
      if (kept.has(key)) continue;
      this.deps.publish(
        busEvent(SITE_ALLOCATION, site.tenantId, x.stationId, {
          siteId: site.id,
          evseId: x.evseId,
          transactionId: x.transactionId,
          limitA: 0,
          paused: false,
          previousLimitA: x.limitA,
          pinned: false,
          reasons,
          ended: true,
        }),
      );
    }
    this.deps.log?.info(
      {
        siteId: site.id,
        tenantId: site.tenantId,
        reasons,
        sessions: limits.length,
        paused: limits.filter((l) => l.paused).length,
        changed: changed.length,
        pinned: [...pinned.keys()],
        defaultsSent: defaultsToSend.length,
        ms: Date.now() - startedAt,
        // Milliseconds from the start of the run to the end of each step.
        steps: { ...marks, saved: Date.now() - startedAt },
      },
      'site allocation',
    );
  }
}
