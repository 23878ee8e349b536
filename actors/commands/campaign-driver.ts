import { busEvent, type BusEvent, type StationReply } from '../../core/envelope.js';
import {
  applyRequest,
  applySend,
  isActive,
  isInFlight,
  markSending,
  mayDrive,
  dueStations,
  progressOf,
  type CampaignFirmware,
  type CampaignStation,
  type FirmwareCampaign,
  type SendOutcome,
} from '../../core/firmware-campaign.js';
import { ANSWER_WINDOW_MS } from '../../core/requests.js';
import type { Store } from '../../core/ports/store/store.js';
import type { UpdateFirmwareInput } from '../actions/command-inputs.js';
import type { StationCommands } from './station-commands.js';
import { updateFirmware } from './update-firmware.js';
import { triggerReport } from './trigger-report.js';
import { setStationPassword } from './set-station-password.js';
import { generatedPasswordFor, rotateStationPassword, type RotationDeps } from './rotate-station-password.js';

/** Bus event of every station state change in a campaign (docs/nats-subjects.md). */
export const CAMPAIGN_PROGRESS = 'campaign.progress';

export interface CampaignDriverDeps {
  store: Pick<Store, 'campaigns' | 'requests'>;
  commands: Pick<StationCommands, 'run'>;
  publish(event: BusEvent): void;
  /** This node's id: the lease holder's name. */
  nodeId: string;
  /** How often every active campaign is looked at (it also wakes on events). */
  tickMs: number;
  /** How long a lease lasts without renewal; another node takes over a campaign after it (default 30 s or 5 ticks). */
  leaseMs?: number;
  clock?: () => Date;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Password-rotation campaigns: one station's rotation (actors/commands/rotate-station-password.ts); absent: they fail. */
  rotation?: RotationDeps;
}

/** The firmware of a campaign as the UpdateFirmware command's input. */
function inputOf(firmware: CampaignFirmware): UpdateFirmwareInput {
  const { location, retrieveDateTime, installDateTime, signingCertificate, signature, retries, retryInterval } = firmware;
  return Object.fromEntries(
    Object.entries({ location, retrieveDateTime, installDateTime, signingCertificate, signature, retries, retryInterval }).filter(([, v]) => v !== undefined),
  ) as unknown as UpdateFirmwareInput;
}

/** What a report job's reply means: 1.6 GetConfiguration (no status) and EmptyResultSet are done with the answer. */
function reportOutcomeOf(reply: StationReply): SendOutcome {
  const requestId = typeof reply.facts?.requestId === 'number' ? reply.facts.requestId : null;
  if (reply.status !== 'result') return outcomeOf(reply);
  const status = reply.payload.status;
  if (status === undefined || status === 'EmptyResultSet') return { kind: 'done', requestId };
  if (status === 'Accepted' && requestId !== null) return { kind: 'accepted', requestId };
  return { kind: 'failed', error: String(status), requestId };
}

/** Sends what the campaign's kind sends one station (UpdateFirmware, or a report request) and reads the outcome. */
async function send(commands: Pick<StationCommands, 'run'>, c: FirmwareCampaign & { kind: 'firmware' | 'report' }, stationId: string): Promise<SendOutcome> {
  if (c.kind === 'report') {
    const run = await commands.run(c.tenantId, stationId, triggerReport, { reportBase: c.reportBase });
    return reportOutcomeOf(run.reply);
  }
  const run = await commands.run(c.tenantId, stationId, updateFirmware, inputOf(c.firmware));
  return outcomeOf(run.reply);
}

/** What a reply means for the campaign. */
function outcomeOf(reply: StationReply): SendOutcome {
  const requestId = typeof reply.facts?.requestId === 'number' ? reply.facts.requestId : null;
  switch (reply.status) {
    case 'result': {
      const status = reply.payload.status;
      // 1.6 UpdateFirmware.conf has no status: any CALLRESULT accepts it.
      if (status === undefined || status === 'Accepted' || status === 'AcceptedCanceled') return { kind: 'accepted', requestId };
      return { kind: 'failed', error: String(status), requestId };
    }
    case 'callerror':
      return { kind: 'failed', error: `CALLERROR ${reply.code}`, requestId };
    case 'failed':
      if (reply.reason === 'disconnected' || reply.reason === 'stale-location' || reply.reason === 'node-unavailable') return { kind: 'offline' };
      return { kind: 'failed', error: reply.reason, requestId };
  }
}

/**
 * Drives firmware campaigns (core/firmware-campaign.ts) on the main thread, through the
 * station-commands service like any other command (so a station on another node of a cluster is
 * reached over NATS, and the UpdateFirmware request is recorded the same way). One node drives a
 * campaign at a time: the campaign's lease, taken and renewed by compare-and-set in the shared
 * store; a node that dies leaves it to another once the lease has run out. Every decision is
 * written before it is acted on (`markSending` before the call), so a restart continues where it
 * stopped: a station marked as sent whose answer was never recorded counts as a failed attempt.
 */
export class CampaignDriver {
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Stations seen connecting since the last pass: offline stations among them are tried at once. */
  private connected = new Set<string>();
  /** Campaigns this node holds the lease of (tenantId, id): handed back on a graceful stop. */
  private readonly held = new Map<string, { tenantId: string; id: string }>();

  constructor(private readonly deps: CampaignDriverDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.leaseMs = deps.leaseMs ?? Math.max(30_000, deps.tickMs * 5);
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.deps.tickMs);
    this.timer.unref();
    this.wake();
  }

  /** Runs a pass soon (once, however often it is called while one runs). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error) => this.deps.log?.warn({ err: error }, 'firmware campaign pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.wake());
        }
      });
  }

  /** A station connected (or booted) somewhere: if a campaign waits for it, it is sent the update now. */
  stationConnected(stationId: string): void {
    this.connected.add(stationId);
    this.wake();
  }

  /** Stops driving and hands back this node's leases, so another node (or this one restarted) takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    for (const { tenantId, id } of this.held.values()) {
      const c = await this.deps.store.campaigns.get(tenantId, id).catch(() => undefined);
      if (c?.lease?.nodeId === this.deps.nodeId) await this.deps.store.campaigns.save({ ...c, lease: null }, c.version).catch(() => undefined);
    }
    this.held.clear();
  }

  /** Resolves once no pass is running or due (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One look at every active campaign. */
  async pass(): Promise<void> {
    const connected = this.connected;
    this.connected = new Set();
    let conflict = false;
    const campaigns = await this.deps.store.campaigns.listActive(1000);
    for (const campaign of campaigns) {
      if (this.stopped) return;
      try {
        if (!(await this.drive(campaign, connected))) conflict = true;
      } catch (error) {
        conflict = true;
        this.deps.log?.warn({ err: error, campaignId: campaign.id, tenantId: campaign.tenantId }, 'firmware campaign step failed');
      }
    }
    if (conflict) {
      // Someone else wrote a campaign meanwhile (an operator, another pass): look again, with
      // the stations that connected still in mind.
      for (const id of connected) this.connected.add(id);
      this.again = true;
    }
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /** Writes `next` over `current` (compare-and-set) and publishes what changed; undefined when another writer won. */
  private async save(current: FirmwareCampaign, next: FirmwareCampaign): Promise<FirmwareCampaign | undefined> {
    if (next === current) return current;
    const saved = await this.deps.store.campaigns.save(next, current.version);
    if (saved) this.announce(current, saved);
    return saved;
  }

  /** Publishes `campaign.progress` for every station that changed between two versions (also for the API's pause / resume / abort). */
  announce(before: FirmwareCampaign, after: FirmwareCampaign): void {
    const old = new Map(before.stations.map((s) => [s.stationId, s]));
    const progress = progressOf(after);
    for (const s of after.stations) {
      const was = old.get(s.stationId);
      if (was && was.state === s.state && was.progress === s.progress && was.attempts === s.attempts && was.waiting === s.waiting) continue;
      this.deps.publish(
        busEvent(CAMPAIGN_PROGRESS, after.tenantId, s.stationId, {
          campaignId: after.id,
          kind: after.kind,
          campaignStatus: after.status,
          state: s.state,
          attempts: s.attempts,
          requestId: s.requestId,
          firmwareStatus: s.progress,
          waiting: s.waiting,
          error: s.error,
          progress,
        }),
      );
      this.logChange(after, s, was);
    }
    if (before.status !== after.status) {
      this.deps.log?.info({ campaignId: after.id, tenantId: after.tenantId, from: before.status, to: after.status, reason: after.pausedReason, progress }, 'firmware campaign status');
    }
  }

  private logChange(c: FirmwareCampaign, s: CampaignStation, was: CampaignStation | undefined): void {
    if (was?.state === s.state) return;
    this.deps.log?.info(
      { campaignId: c.id, tenantId: c.tenantId, stationId: s.stationId, from: was?.state ?? null, to: s.state, attempts: s.attempts, requestId: s.requestId, error: s.error, waiting: s.waiting },
      'firmware campaign station',
    );
  }

  /** A new generated password for one station of a password-rotation campaign (never logged, never stored in the campaign). */
  private async rotate(tenantId: string, stationId: string): Promise<SendOutcome> {
    const deps = this.deps.rotation;
    if (!deps) return { kind: 'failed', error: 'password rotation is not available on this node' };
    const station = await deps.stations.getStation(tenantId, stationId);
    if (!station) return { kind: 'failed', error: 'station deleted' };
    const outcome = await rotateStationPassword(
      deps,
      { tenantId, id: stationId, passwordHash: station.passwordHash, passwordRotatedAt: station.passwordRotatedAt ?? null },
      generatedPasswordFor(station.protocol),
    );
    if (outcome.taken) return { kind: 'accepted', requestId: null };
    const reply = outcome.run.reply;
    if (reply.status === 'result') return { kind: 'failed', error: setStationPassword.fromOcpp(outcome.run.sent!.protocol, reply.payload).status };
    return outcomeOf(reply);
  }

  /** One step of one campaign; false when another writer got in between (the caller looks again). */
  private async drive(loaded: FirmwareCampaign, connected: ReadonlySet<string>): Promise<boolean> {
    const nodeId = this.deps.nodeId;
    let now = this.now();
    if (!mayDrive(loaded, nodeId, now)) return true;
    let c: FirmwareCampaign | undefined = loaded;
    // Take or renew the lease before deciding anything.
    const until = loaded.lease?.nodeId === nodeId ? Date.parse(loaded.lease.until) : 0;
    if (until - Date.parse(now) < this.leaseMs / 2) {
      c = await this.save(loaded, { ...loaded, lease: { nodeId, until: new Date(Date.parse(now) + this.leaseMs).toISOString() } });
      if (!c) return false;
      this.held.set(`${c.tenantId}|${c.id}`, { tenantId: c.tenantId, id: c.id });
    }

    // What the stations in flight reported (their request records, written by the handler thread).
    let next: FirmwareCampaign = c;
    for (const s of c.stations) {
      if (!isInFlight(s)) continue;
      if (s.requestId === null) {
        // Marked as sent, but no answer was recorded: the node stopped mid-call. A failed attempt.
        if (Date.parse(s.updatedAt) + ANSWER_WINDOW_MS <= Date.parse(now)) next = applySend(next, s.stationId, { kind: 'failed', error: 'no answer recorded' }, now);
        continue;
      }
      const request = await this.deps.store.requests.get(c.tenantId, s.stationId, s.requestId);
      if (request) next = applyRequest(next, s.stationId, request, now);
    }
    c = await this.save(c, next);
    if (!c) return false;
    if (!isActive(c)) return true;

    now = this.now();
    const due = dueStations(c, now, connected);
    if (due.length === 0) return true;
    // Written before the calls go out: a restart never sends twice without counting it.
    let marked = c;
    for (const stationId of due) marked = markSending(marked, stationId, now);
    c = await this.save(c, marked);
    if (!c) return false;
    const sending = c;
    const outcomes = await Promise.all(
      due.map(async (stationId): Promise<[string, SendOutcome]> => {
        try {
          if (sending.kind === 'password-rotation') return [stationId, await this.rotate(sending.tenantId, stationId)];
          return [stationId, await send(this.deps.commands, sending, stationId)];
        } catch (error) {
          return [stationId, { kind: 'failed', error: (error as Error).message }];
        }
      }),
    );
    // Another writer (an operator's pause) may have written meanwhile: apply the outcomes to the newest version.
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest: FirmwareCampaign | undefined = attempt === 0 ? c : await this.deps.store.campaigns.get(c.tenantId, c.id);
      if (!latest) return true;
      const at = this.now();
      let result = latest;
      for (const [stationId, outcome] of outcomes) result = applySend(result, stationId, outcome, at);
      if (await this.save(latest, result)) return true;
    }
    this.deps.log?.warn({ campaignId: c.id, tenantId: c.tenantId }, 'firmware campaign: could not record send outcomes (kept changing)');
    return false;
  }
}
