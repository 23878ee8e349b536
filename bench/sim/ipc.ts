/** Messages between the bench orchestrator and its simulator child processes. */
import type { HistogramData } from './histogram.js';
import type { VersionMix } from './station-plan.js';

export interface FleetConfig {
  /**
   * ws://host:port/path — station URL is `${url}/${stationId}`. With several (a cluster's
   * nodes), station i connects to urls[i mod n] and moves to another one (at random) each time
   * its connection fails or closes, like a station with a list of CSMS addresses.
   */
  urls: string[];
  prefix: string;
  first: number;
  count: number;
  mix: VersionMix;
  sourceAddresses: string[];
  handshakeTimeoutMs: number;
  callTimeoutMs: number;
  /** Longest wait a Pending/Rejected station honours before retrying its boot. */
  bootRetryMaxMs: number;
  /** Retry a failed connection or a closed one after a jittered back-off. */
  reconnect: boolean;
  /** Booted idle stations send a Heartbeat every interval the BootNotification answer gave. */
  heartbeats?: boolean;
}

export type LoadMode = 'none' | 'steady' | 'transactions';

export type ToChild =
  | { t: 'init'; cfg: FleetConfig }
  /** Keep the first `upTo` stations of this slice connected (and booted if `boot`). */
  /** `untilBooted`: a station counts against maxInflight until its boot is accepted, not only
   * during its handshake (a closed-loop ramp that follows the CSMS's pace). */
  | { t: 'connect'; upTo: number; rampPerSec: number; maxInflight: number; boot: boolean; untilBooted?: boolean }
  /** Stop opening connections; stations already connected stay. */
  | { t: 'hold' }
  | { t: 'load'; mode: LoadMode; ratePerSec: number; meterValuesPerSession: number }
  /** RST every open connection; with `reconnect`, they reconnect (at the given ramp and
   * concurrency; 0 ramp = all at once) and boot. Stations that were not connected stay so. */
  | { t: 'drop'; reconnect: boolean; rampPerSec: number; maxInflight: number }
  | { t: 'list-booted'; req: number }
  | { t: 'close-all' }
  | { t: 'exit' };

/** Cumulative counters since the child started (the parent computes rates). */
export interface Counters {
  connectAttempts: number;
  connectOk: number;
  connectFail: Record<string, number>;
  disconnects: Record<string, number>;
  bootAccepted: number;
  bootPending: number;
  bootRejected: number;
  sent: number;
  results: number;
  /** "Action:ErrorCode" → count of CALLERRORs the CSMS answered. */
  callErrors: Record<string, number>;
  timeouts: number;
  /** CSMS→station calls received, by action. */
  incoming: Record<string, number>;
  /** Calls this simulator answered with NotSupported. */
  notSupported: number;
  /** Heartbeats sent by idle stations on their own (FleetConfig.heartbeats). */
  heartbeats: number;
  /** Load budget dropped because every station already had a call in flight. */
  deferred: number;
  sessionsStarted: number;
  sessionsCompleted: number;
  sessionsFailed: number;
  /** Handshakes whose Sec-WebSocket-Protocol answer was missing or not the one offered. */
  noSubprotocol: number;
  /** "Action:status" of id-token answers that were not Accepted (Authorize, start, …). */
  rejected: Record<string, number>;
}

export interface ChildStats {
  child: number;
  at: number;
  connecting: number;
  open: number;
  booted: number;
  counters: Counters;
  /** Latency per action for calls answered since the previous stats message. */
  latency: Record<string, HistogramData>;
  handshake: HistogramData;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay p99 over the interval: if high, the simulator itself is saturated. */
  loopDelayP99Ms: number;
  fdLimit: number;
  /** Wall-clock ms of the latest completed handshake / accepted boot (precise storm timing). */
  lastOpenAt: number;
  lastBootAt: number;
  /** Booted stations per target URL (index into FleetConfig.urls). */
  bootedByTarget: number[];
}

export type FromChild =
  | { t: 'ready'; child: number; pid: number }
  | { t: 'stats'; stats: ChildStats }
  /** Booted stations, and the index of the URL each is connected to (parallel arrays). */
  | { t: 'booted'; req: number; indices: number[]; targets: number[] }
  | { t: 'fatal'; message: string };

export function emptyCounters(): Counters {
  return {
    connectAttempts: 0,
    connectOk: 0,
    connectFail: {},
    disconnects: {},
    bootAccepted: 0,
    bootPending: 0,
    bootRejected: 0,
    sent: 0,
    results: 0,
    callErrors: {},
    timeouts: 0,
    incoming: {},
    notSupported: 0,
    heartbeats: 0,
    deferred: 0,
    sessionsStarted: 0,
    sessionsCompleted: 0,
    sessionsFailed: 0,
    noSubprotocol: 0,
    rejected: {},
  };
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}
