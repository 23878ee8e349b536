import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActorMetrics } from '../actors/station-actor.js';

/**
 * Each thread keeps its own prom-client registry; the main thread merges them for /metrics
 * (prom-client's AggregatorRegistry sums series with equal labels).
 */
export function createEventLoopLagGauge(registry: Registry, thread: string): void {
  new Gauge({
    name: 'csms_thread_heap_used_bytes',
    help: 'V8 heap in use per thread (main, handlers, gateway N): which thread holds the memory',
    labelNames: ['thread'],
    registers: [registry],
    collect() {
      this.set({ thread }, getHeapStatistics().used_heap_size);
    },
  });
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  new Gauge({
    name: 'csms_event_loop_lag_seconds',
    help: 'Event loop delay (p99 since last scrape) per thread',
    labelNames: ['thread'],
    registers: [registry],
    collect() {
      this.set({ thread }, histogram.percentile(99) / 1e9);
      histogram.reset();
    },
  });
}

export interface GatewayMetrics extends ActorMetrics {
  registry: Registry;
  connected(protocol: string, delta: number): void;
  handshakeRefused(status: number): void;
  /** A refused station login, by reason (core/security-profile.ts RefusalCode). */
  loginRefused(reason: string): void;
}

export function createGatewayMetrics(thread: string): GatewayMetrics {
  const registry = new Registry();
  createEventLoopLagGauge(registry, thread);
  const connectedStations = new Gauge({
    name: 'csms_connected_stations',
    help: 'Stations with an open OCPP connection, by protocol',
    labelNames: ['protocol'],
    registers: [registry],
  });
  const messagesIn = new Counter({
    name: 'csms_ocpp_messages_in_total',
    help: 'CALLs received from stations, by action and result (ok or CALLERROR code)',
    labelNames: ['action', 'result'],
    registers: [registry],
  });
  const messagesOut = new Counter({
    name: 'csms_ocpp_messages_out_total',
    help: 'CALLs sent to stations, by action and result',
    labelNames: ['action', 'result'],
    registers: [registry],
  });
  const callErrors = new Counter({
    name: 'csms_ocpp_callerrors_total',
    help: 'CALLERRORs sent to stations by code; kind=frame for unreadable frames',
    labelNames: ['code', 'kind'],
    registers: [registry],
  });
  const handlerSeconds = new Histogram({
    name: 'csms_ocpp_handler_duration_seconds',
    help: 'Time from dequeuing a CALL to its answer, including the durable store commit',
    labelNames: ['action'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'csms_handshakes_refused_total',
    help: 'WebSocket upgrades refused, by HTTP status',
    labelNames: ['status'],
    registers: [registry],
  });
  const loginRefusals = new Counter({
    name: 'csms_station_login_refusals_total',
    help: 'Station logins refused, by reason (wrong-password, unknown-station, locked, rate-limited, plain-connection, no-client-certificate, bad-client-certificate, …)',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Label children are cached per label set: prom-client hashes a label object on every call,
  // which on the per-message path cost about as much as the schema validation.
  const inCounters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(value: number): void }>();
  return {
    registry,
    inbound(action, result, seconds) {
      const key = `${action}\u0000${result}`;
      let counter = inCounters.get(key);
      if (!counter) inCounters.set(key, (counter = messagesIn.labels(action, result)));
      counter.inc();
      let timer = timers.get(action);
      if (!timer) timers.set(action, (timer = handlerSeconds.labels(action)));
      timer.observe(seconds);
    },
    outbound(action, result) {
      messagesOut.inc({ action, result });
    },
    rejected(kind, code) {
      callErrors.inc({ code, kind });
    },
    connected(protocol, delta) {
      connectedStations.inc({ protocol }, delta);
    },
    handshakeRefused(status) {
      refused.inc({ status: String(status) });
    },
    loginRefused(reason) {
      loginRefusals.inc({ reason });
    },
  };
}
