import type { MessagePort } from 'node:worker_threads';
import type { BusEvent, StationCall, StationMessage } from '../core/envelope.js';
import type { OcppVersion } from '../core/protocols.js';
import type { LoggedFrame } from '../core/ports/store/message-log-store.js';
import type { RefusalCode } from '../core/security-profile.js';
import type { Admitted } from './station-auth.js';

/**
 * Every message between the threads of a node, one discriminated union per direction. The
 * thread channel adds `rid` to requests; the comment on each request names its reply.
 *
 *   main ──call──▶ gateway ──message──▶ handler thread (owns the hot-path store)
 *   main ◀─connected/disconnected── gateway       main ◀──events/frames── handler thread
 */

/** main → gateway thread */
export type MainToGateway =
  /** reply: StationReply */
  | { k: 'call'; call: StationCall }
  | { k: 'kick'; stationId: string; connId: string; close?: { code: number; reason: string } }
  /** sent, or as a request (reply: undefined once this thread has forgotten the station's login) */
  | { k: 'forget'; stationId: string }
  /** another gateway thread of this node admitted the station: remember it here too (workers/admission-relay.ts) */
  | { k: 'learn'; stationId: string; entry: Admitted }
  /** log every frame of this station at info (or stop); kept across its reconnects */
  | { k: 'debug'; stationId: string; enabled: boolean }
  /** reply: prom-client metric JSON */
  | { k: 'metrics' }
  /** send every frame of this station to main (`live-frame`) while enabled; kept across its reconnects */
  | { k: 'watch'; stationId: string; enabled: boolean }
  /** reply: this thread's RateSnapshot of the tenant (core/rate-series.ts) */
  | { k: 'rates'; tenantId: string }
  /** reply: undefined once the TLS listener serves the certificate files read again (SIGHUP) */
  | { k: 'reload-tls' }
  /** the handler thread was replaced: talk to it on this port from now on */
  | { k: 'handler-port'; port: MessagePort }
  /** reply: undefined once every socket is closed and pending frames are flushed */
  | { k: 'stop' };

/** gateway thread → main */
export type GatewayToMain =
  | { k: 'ready' }
  | { k: 'listen-failed'; message: string }
  | { k: 'connected'; stationId: string; tenantId: string; version: OcppVersion; connId: string; openedAt: number }
  | { k: 'disconnected'; stationId: string; tenantId: string; connId: string; code: number }
  /** this thread remembered a station's login after a store lookup started at `lookedUpAt` (monotonicNow) */
  | { k: 'admitted'; stationId: string; entry: Admitted; lookedUpAt: number }
  /** a frame of a watched station (the live message inspector), as it went over the wire */
  | { k: 'live-frame'; frame: LiveFrame };

/** One frame of a watched station: the live message inspector's unit (GET /stations/{id}/frames/live). */
export interface LiveFrame {
  tenantId: string;
  stationId: string;
  direction: 'in' | 'out';
  /** The frame's text as on the wire (passwords redacted). */
  frame: string;
  at: string;
}

/** gateway thread → handler thread */
export type GatewayToHandler =
  /** reply: StationReply (the handler's answer, after its writes are committed) */
  | { k: 'message'; message: StationMessage }
  /** reply: undefined once the frame of a message the gateway answered itself is committed to the message log */
  | { k: 'posted'; message: StationMessage }
  /** reply: LoginLookup (workers/station-auth.ts): the station's login and whether failed logins block it now */
  | { k: 'login'; stationId: string; remoteAddress: string }
  /** a refused login (counts against the id and the address: workers/login-gate.ts) */
  | { k: 'login-failed'; stationId: string; remoteAddress: string; code: RefusalCode }
  /** an admitted login; `confirm`: the station used this new hash, its previous password stops working */
  | { k: 'login-ok'; stationId: string; confirm?: string }
  | { k: 'frames'; frames: LoggedFrame[] }
  /** reply: undefined once everything this gateway sent before it is committed (frame journal rotation) */
  | { k: 'barrier' }
  | { k: 'gone'; tenantId: string; stationId: string; at: string };

/** main → handler thread */
export type MainToHandler =
  | { k: 'attach'; thread: number; port: MessagePort }
  /** reply: prom-client metric JSON */
  | { k: 'metrics' }
  /** reply: undefined once every write is committed and the store is closed */
  | { k: 'stop' };

/** handler thread → main */
export type HandlerToMain =
  | { k: 'ready' }
  | { k: 'start-failed'; message: string }
  | { k: 'event'; event: BusEvent }
  /** reply: PublishOutcome (the outbox's events the bus acknowledged, from the start) */
  | { k: 'publish-events'; events: BusEvent[] }
  | { k: 'frames'; frames: LoggedFrame[] }
  /** a readiness check of the store changed (sent only on change): writes commit, the SQLite file is the one opened */
  | { k: 'store-health'; check: 'store-writable' | 'sqlite-file'; ok: boolean; reason?: string }
  /** a station's login changed here (a rotation's old password ended): every gateway thread, every node, forgets it */
  | { k: 'login-changed'; stationId: string };
