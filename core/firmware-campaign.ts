/**
 * Firmware campaigns (issue #12): one firmware image rolled out to many stations in waves, with a
 * concurrency limit, retries, pause / resume / abort and progress per station. Pure: the driver
 * (actors/commands/campaign-driver.ts) reads a campaign, asks these functions what to do, sends
 * the UpdateFirmware calls and writes the campaign back (one compare-and-set per change).
 *
 *   campaign: running ⇄ paused;  running | paused → aborted;  running → complete (every station settled)
 *   station:  pending → downloading → installing → installed
 *                 │           └──────────┴──(failed attempt: retry later while attempts remain)──▶ pending
 *                 │                      └──(no attempts left)──────────────────────────────────▶ failed
 *                 └── (campaign aborted before it was sent) ──▶ aborted
 *
 * A station that is not connected when its turn comes stays `pending` with `waiting: 'offline'`:
 * it does not hold back later waves and gets the update when it connects again. The campaign is
 * complete only when every station is installed, failed or aborted.
 */
import type { StationRecord } from './types.js';

export type CampaignStatus = 'running' | 'paused' | 'aborted' | 'complete';

/**
 * What a campaign rolls out, its one discriminator (`kind`), used by the driver, the store, the
 * API and `campaign.progress` alike. `firmware`: UpdateFirmware, followed to the station's install
 * through its status notifications. `password-rotation` (issue #14, bulk rotation): each station
 * gets a new generated Basic-auth password (SetVariables / ChangeConfiguration); its answer
 * settles it at once (`installed`: the station took it). `report` (issue #12, `POST /reports`):
 * each station is asked for its configuration report (2.x GetBaseReport with `reportBase`, 1.6
 * GetConfiguration); its states read pending → receiving → complete | failed (`REPORT_STATE_OF`).
 * All share the waves, concurrency, retries, offline handling, pause / resume / abort, lease and
 * progress events.
 */
export type CampaignKind = 'firmware' | 'password-rotation' | 'report';
export const CAMPAIGN_KINDS: readonly CampaignKind[] = ['firmware', 'password-rotation', 'report'];

/** The report a `report` campaign asks each 2.x station for. */
export type ReportBase = 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory';

/** The kind of a campaign and what that kind needs: its firmware, or the report asked for. */
export type CampaignJob =
  | { kind: 'firmware'; firmware: CampaignFirmware }
  | { kind: 'password-rotation' }
  | { kind: 'report'; reportBase: ReportBase };

export function kindOf(c: Pick<FirmwareCampaign, 'kind'>): CampaignKind {
  return c.kind;
}
export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['running', 'paused', 'aborted', 'complete'];

export type CampaignStationState = 'pending' | 'downloading' | 'installing' | 'installed' | 'failed' | 'aborted';
export const CAMPAIGN_STATION_STATES: readonly CampaignStationState[] = ['pending', 'downloading', 'installing', 'installed', 'failed', 'aborted'];

/** The firmware to install, as 2.x UpdateFirmware's `firmware` (1.6 takes location and retrieveDate). */
export interface CampaignFirmware {
  location: string;
  /** When the station may fetch it; absent: when it is sent. */
  retrieveDateTime?: string;
  installDateTime?: string;
  /** Signed firmware: 2.x `signingCertificate` + `signature`; a 1.6 station then gets SignedUpdateFirmware. */
  signingCertificate?: string;
  signature?: string;
  /** The station's own download retries (UpdateFirmware `retries`, `retryInterval`). */
  retries?: number;
  retryInterval?: number;
}

/** Which stations: every condition given must hold; `stationIds` alone is an explicit list. */
export interface CampaignTarget {
  stationIds?: string[];
  vendor?: string;
  model?: string;
  /** The firmware version the station reported at boot (exact match). */
  firmwareVersion?: string;
}

export interface CampaignRollout {
  /** Sizes of the first waves, canary first; every remaining station is in one last wave. */
  waves: number[];
  /** Stations downloading or installing at once. */
  concurrency: number;
  /** Times UpdateFirmware is sent to one station before it counts as failed (1 = no retry). */
  maxAttempts: number;
  /** Wait after a failed attempt before the next one. */
  retryDelaySec: number;
  /** More failed stations than this pauses the campaign (`pausedReason`); null: never. */
  maxFailures: number | null;
  /** How often a station that was offline is tried again without having been seen connecting. */
  offlineRetrySec: number;
}

export const DEFAULT_ROLLOUT: CampaignRollout = { waves: [1], concurrency: 10, maxAttempts: 2, retryDelaySec: 60, maxFailures: null, offlineRetrySec: 300 };

export interface CampaignStation {
  stationId: string;
  wave: number;
  state: CampaignStationState;
  /** UpdateFirmware calls sent to it so far. */
  attempts: number;
  /** The request of the current (or last) attempt: GET /stations/{id}/requests/{requestId}. */
  requestId: number | null;
  /** The last firmware status it reported (Downloading, Installed, InstallationFailed…). */
  progress: string | null;
  /** Why the last attempt failed. */
  error: string | null;
  /** `offline`: its turn came while it was not connected; it is sent the update when it connects. */
  waiting: 'offline' | null;
  /** Not to be sent before this time (retry delay, offline retry). */
  notBefore: string | null;
  updatedAt: string;
}

/** The node currently driving the campaign; another node takes over only once `until` has passed. */
export interface CampaignLease {
  nodeId: string;
  until: string;
}

/** A report job's station states under their report names (stored as the firmware ones). */
export const REPORT_STATE_OF: Readonly<Record<CampaignStationState, string>> = {
  pending: 'pending',
  downloading: 'receiving',
  installing: 'receiving',
  installed: 'complete',
  failed: 'failed',
  aborted: 'aborted',
};

/** What every campaign has, whatever its kind. */
export interface CampaignCommon {
  tenantId: string;
  id: string;
  name: string;
  status: CampaignStatus;
  pausedReason: string | null;
  target: CampaignTarget;
  rollout: CampaignRollout;
  stations: CampaignStation[];
  /** Incremented by every write: writes are compare-and-set on it. */
  version: number;
  lease: CampaignLease | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A campaign of any kind (the name is older than the kinds). */
export type FirmwareCampaign = CampaignCommon & CampaignJob;

export interface NewCampaignInput {
  tenantId: string;
  id: string;
  /** Default: firmware. */
  kind?: CampaignKind;
  name?: string;
  /** A firmware campaign's firmware (required for that kind). */
  firmware?: CampaignFirmware;
  /** A report campaign's report (default FullInventory). */
  reportBase?: ReportBase;
  target: CampaignTarget;
  rollout?: Partial<CampaignRollout>;
}

/** The kind and its parameters of a new campaign. */
function jobOf(input: NewCampaignInput): CampaignJob {
  const kind = input.kind ?? 'firmware';
  if (kind === 'report') return { kind, reportBase: input.reportBase ?? 'FullInventory' };
  if (kind === 'password-rotation') return { kind };
  if (!input.firmware) throw new Error('a firmware campaign needs its firmware');
  return { kind, firmware: input.firmware };
}

/**
 * A campaign as stored, read by every adapter. Campaigns stored before `kind` was the only
 * discriminator read the same: no kind = firmware, `job: { kind: 'report', reportBase }` = a
 * report campaign (the second marker bulk report jobs used).
 */
export function campaignFromStored(stored: CampaignCommon & { kind?: string; firmware?: CampaignFirmware; reportBase?: ReportBase; job?: { kind?: string; reportBase?: ReportBase } }): FirmwareCampaign {
  const { kind, firmware, reportBase, job, ...common } = stored;
  if (kind === 'report' || job?.kind === 'report') return { ...common, kind: 'report', reportBase: reportBase ?? job?.reportBase ?? 'FullInventory' };
  if (kind === 'password-rotation') return { ...common, kind: 'password-rotation' };
  return { ...common, kind: 'firmware', firmware: firmware ?? { location: '' } };
}

/** Does the station match the target (explicit list and/or boot-reported vendor, model, firmware)? */
export function matchesTarget(station: Pick<StationRecord, 'id' | 'vendor' | 'model' | 'firmwareVersion'>, target: CampaignTarget): boolean {
  if (target.stationIds && !target.stationIds.includes(station.id)) return false;
  if (target.vendor !== undefined && station.vendor !== target.vendor) return false;
  if (target.model !== undefined && station.model !== target.model) return false;
  if (target.firmwareVersion !== undefined && station.firmwareVersion !== target.firmwareVersion) return false;
  return true;
}

/** Wave of the i-th station (0-based) for wave sizes `waves`; stations past them are in the last wave. */
export function waveOf(index: number, waves: readonly number[]): number {
  let end = 0;
  for (let w = 0; w < waves.length; w++) {
    end += waves[w]!;
    if (index < end) return w;
  }
  return waves.length;
}

/** A new campaign over `stationIds` (in the order given: the first ones are the canary). */
export function newCampaign(input: NewCampaignInput, stationIds: readonly string[], now: string): FirmwareCampaign {
  const rollout: CampaignRollout = { ...DEFAULT_ROLLOUT, ...input.rollout };
  const unique = [...new Set(stationIds)];
  const job = jobOf(input);
  return {
    tenantId: input.tenantId,
    id: input.id,
    ...job,
    name: input.name ?? (job.kind === 'report' ? `report ${job.reportBase}` : job.kind === 'firmware' ? `firmware ${job.firmware.location}` : job.kind),
    status: unique.length === 0 ? 'complete' : 'running',
    pausedReason: null,
    target: input.target,
    rollout,
    stations: unique.map((stationId, i) => ({
      stationId,
      wave: waveOf(i, rollout.waves),
      state: 'pending',
      attempts: 0,
      requestId: null,
      progress: null,
      error: null,
      waiting: null,
      notBefore: null,
      updatedAt: now,
    })),
    version: 0,
    lease: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: unique.length === 0 ? now : null,
  };
}

const SETTLED: readonly CampaignStationState[] = ['installed', 'failed', 'aborted'];
const IN_FLIGHT: readonly CampaignStationState[] = ['downloading', 'installing'];

export function isSettled(s: CampaignStation): boolean {
  return SETTLED.includes(s.state);
}

export function isInFlight(s: CampaignStation): boolean {
  return IN_FLIGHT.includes(s.state);
}

/** Counts per station state. */
export function progressOf(c: Pick<FirmwareCampaign, 'stations'>): Record<CampaignStationState, number> & { total: number; offline: number } {
  const counts = Object.fromEntries(CAMPAIGN_STATION_STATES.map((s) => [s, 0])) as Record<CampaignStationState, number>;
  let offline = 0;
  for (const s of c.stations) {
    counts[s.state]++;
    if (s.waiting === 'offline' && s.state === 'pending') offline++;
  }
  return { ...counts, total: c.stations.length, offline };
}

/** Does the driver still have work on it (sending, or watching stations in flight)? */
export function isActive(c: Pick<FirmwareCampaign, 'status' | 'stations'>): boolean {
  if (c.status === 'running' || c.status === 'paused') return true;
  return c.status === 'aborted' && c.stations.some(isInFlight);
}

/**
 * The wave being rolled out: the lowest wave with a station neither settled nor waiting for its
 * connection. Later waves wait for it; earlier waves' offline stations are still sent when they connect.
 */
export function currentWave(c: Pick<FirmwareCampaign, 'stations'>): number {
  let wave = Infinity;
  for (const s of c.stations) {
    const deferred = s.state === 'pending' && s.waiting === 'offline';
    if (!isSettled(s) && !deferred && s.wave < wave) wave = s.wave;
  }
  return wave;
}

/**
 * Stations to send UpdateFirmware now: the campaign is running, the station is pending in the
 * current wave or an earlier one, its `notBefore` has passed (or it just connected), within the
 * free concurrency slots; the canary order (the target's order) is kept.
 */
export function dueStations(c: FirmwareCampaign, now: string, connected: ReadonlySet<string> = new Set()): string[] {
  if (c.status !== 'running') return [];
  const inFlight = c.stations.filter(isInFlight).length;
  let free = c.rollout.concurrency - inFlight;
  if (free <= 0) return [];
  const wave = currentWave(c);
  const due: string[] = [];
  for (const s of c.stations) {
    if (free <= 0) break;
    if (s.state !== 'pending') continue;
    const offline = s.waiting === 'offline';
    if (!offline && s.wave > wave) continue;
    const ready = s.notBefore === null || s.notBefore <= now || (offline && connected.has(s.stationId));
    if (!ready) continue;
    due.push(s.stationId);
    free--;
  }
  return due;
}

function changed(c: FirmwareCampaign, stationId: string, change: (s: CampaignStation) => CampaignStation, now: string): FirmwareCampaign {
  const stations = c.stations.map((s) => (s.stationId === stationId ? { ...change(s), updatedAt: now } : s));
  return settle({ ...c, stations, updatedAt: now }, now);
}

/** After a failed attempt: another one later while attempts remain, else failed. */
function failedAttempt(c: FirmwareCampaign, s: CampaignStation, error: string, now: string): CampaignStation {
  if (s.attempts < c.rollout.maxAttempts && c.status !== 'aborted') {
    return { ...s, state: 'pending', error, waiting: null, notBefore: new Date(Date.parse(now) + c.rollout.retryDelaySec * 1000).toISOString() };
  }
  return { ...s, state: 'failed', error, waiting: null, notBefore: null };
}

/** What sending UpdateFirmware to a station gave. */
export type SendOutcome =
  /** The station accepted it; its notifications complete request `requestId`. */
  | { kind: 'accepted'; requestId: number | null }
  /** Done with the answer itself (a 1.6 GetConfiguration, an EmptyResultSet report): settled at once. */
  | { kind: 'done'; requestId: number | null }
  /** Not connected (anywhere in the cluster): try again when it connects. */
  | { kind: 'offline' }
  /** Rejected, CALLERROR, no answer: a failed attempt. */
  | { kind: 'failed'; error: string; requestId?: number | null };

/** The station is about to be sent the update: counts the attempt (written before the call goes out). */
export function markSending(c: FirmwareCampaign, stationId: string, now: string): FirmwareCampaign {
  return changed(c, stationId, (s) => ({ ...s, state: 'downloading', attempts: s.attempts + 1, requestId: null, progress: null, waiting: null, notBefore: null }), now);
}

export function applySend(c: FirmwareCampaign, stationId: string, outcome: SendOutcome, now: string): FirmwareCampaign {
  return changed(
    c,
    stationId,
    (s) => {
      switch (outcome.kind) {
        case 'accepted':
          // A password rotation is done once the station took it; firmware is followed to its install.
          if (c.kind === 'password-rotation') return { ...s, state: 'installed', requestId: null, error: null };
          return { ...s, state: 'downloading', requestId: outcome.requestId, error: null };
        case 'done':
          return { ...s, state: 'installed', requestId: outcome.requestId, error: null };
        case 'offline':
          // Not an attempt: it never reached the station.
          return {
            ...s,
            state: c.status === 'aborted' ? 'aborted' : 'pending',
            attempts: Math.max(0, s.attempts - 1),
            waiting: 'offline',
            notBefore: new Date(Date.parse(now) + c.rollout.offlineRetrySec * 1000).toISOString(),
          };
        case 'failed':
          return failedAttempt(c, { ...s, requestId: outcome.requestId ?? s.requestId }, outcome.error, now);
      }
    },
    now,
  );
}

/** What the station's request record says (core/requests.ts), as far as a campaign cares. */
export interface RequestView {
  status: string;
  progress: string | null;
  error: string | null;
}

/** Firmware statuses after which the station installs (FirmwareStatusEnumType, 1.6 FirmwareStatus). */
const INSTALLING_STATUSES = ['Installing', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed'];

/** Applies the request record of a station in flight; unchanged when it says nothing new. */
export function applyRequest(c: FirmwareCampaign, stationId: string, request: RequestView, now: string): FirmwareCampaign {
  const s = c.stations.find((x) => x.stationId === stationId);
  if (!s || !isInFlight(s)) return c;
  let next: CampaignStation;
  switch (request.status) {
    case 'complete':
      next = { ...s, state: 'installed', progress: request.progress ?? s.progress, error: null };
      break;
    case 'failed':
    case 'rejected':
    case 'timed-out':
      next = failedAttempt(c, { ...s, progress: request.progress ?? s.progress }, request.error ?? request.status, now);
      break;
    default: {
      const state: CampaignStationState = request.progress && INSTALLING_STATUSES.includes(request.progress) ? 'installing' : 'downloading';
      next = { ...s, state, progress: request.progress ?? s.progress };
    }
  }
  if (next.state === s.state && next.progress === s.progress && next.error === s.error && next.notBefore === s.notBefore) return c;
  return changed(c, stationId, () => next, now);
}

/** Ends the campaign when nothing is left, pauses it past the failure threshold. */
function settle(c: FirmwareCampaign, now: string): FirmwareCampaign {
  if (c.status === 'running' && c.rollout.maxFailures !== null) {
    const failed = c.stations.filter((s) => s.state === 'failed').length;
    if (failed > c.rollout.maxFailures) return { ...c, status: 'paused', pausedReason: `${failed} stations failed (more than maxFailures ${c.rollout.maxFailures})` };
  }
  if (c.status === 'running' && c.stations.every(isSettled)) return { ...c, status: 'complete', finishedAt: now };
  return c;
}

export type CampaignCommand = 'pause' | 'resume' | 'abort';

/** An operator's pause / resume / abort; `error` when the campaign's status does not allow it. */
export function control(c: FirmwareCampaign, command: CampaignCommand, now: string): { campaign: FirmwareCampaign } | { error: string } {
  switch (command) {
    case 'pause':
      if (c.status !== 'running') return { error: `a ${c.status} campaign cannot be paused` };
      return { campaign: { ...c, status: 'paused', pausedReason: 'paused by operator', updatedAt: now } };
    case 'resume':
      if (c.status !== 'paused') return { error: `a ${c.status} campaign cannot be resumed` };
      return { campaign: settle({ ...c, status: 'running', pausedReason: null, updatedAt: now }, now) };
    case 'abort': {
      if (c.status !== 'running' && c.status !== 'paused') return { error: `a ${c.status} campaign cannot be aborted` };
      // Stations already downloading or installing cannot be called back: they are still followed.
      const stations = c.stations.map((s) => (s.state === 'pending' ? { ...s, state: 'aborted' as const, waiting: null, notBefore: null, updatedAt: now } : s));
      return { campaign: { ...c, status: 'aborted', pausedReason: null, stations, updatedAt: now, finishedAt: now } };
    }
  }
}

/** May `nodeId` drive the campaign at `now` (no lease, its own, or an expired one)? */
export function mayDrive(c: Pick<FirmwareCampaign, 'lease'>, nodeId: string, now: string): boolean {
  return c.lease === null || c.lease.nodeId === nodeId || c.lease.until <= now;
}
