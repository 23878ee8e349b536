/**
 * commands: the CSMS sends calls to stations, driven through its REST API
 * (POST /stations/{id}/ocpp/{Action}) at a target rate, round robin over the booted
 * stations (GetConfiguration/GetVariables, ChangeAvailability, TriggerMessage,
 * UnlockConnector). Measures end-to-end REST→station→REST throughput and latency.
 */
import { performance } from 'node:perf_hooks';
import { summarize } from '../sim/histogram.js';
import { diffRecord } from '../orchestrator/context.js';
import { newOutcome, sendCommand } from './rest-calls.js';
import type { Scenario } from './scenario.js';

const MAX_INFLIGHT = 256;

export const commands: Scenario = {
  name: 'commands',
  title: 'CSMS→station commands through the REST API',
  defaults: {
    quick: { stations: 1000, rate: 1000, duration: 4 },
    full: { stations: 100_000, rate: 2000, duration: 30 },
  },
  keyMetrics: [
    { key: 'achievedPerSec', label: 'achieved', unit: 'cmd/s', better: 'higher' },
    { key: 'p99Ms', label: 'latency p99', unit: 'ms', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration + 100 + p.stations / 200,
  async run(ctx) {
    const { stations, rate, duration } = ctx.params;
    ctx.sampler.phase = 'ramp';
    const ramp = await ctx.rampTo(ctx.clampToServer(stations));
    const booted = await ctx.pool.listBooted();
    if (booted.length === 0) return void (ctx.metrics.capped = ramp.stopReason);
    const out = newOutcome();
    const before = structuredClone(ctx.pool.totals().counters);
    const phase = ctx.beginPhase('commands');
    let inflight = 0;
    let n = 0;
    let notSent = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      let budget = 0;
      let last = t0;
      const timer = setInterval(() => {
        const now = performance.now();
        budget = Math.min(budget + (rate * (now - last)) / 1000, Math.max(2, rate / 10));
        last = now;
        while (budget >= 1) {
          if (inflight >= MAX_INFLIGHT) {
            notSent += Math.floor(budget);
            budget -= Math.floor(budget);
            break;
          }
          budget--;
          inflight++;
          const index = booted[n % booted.length];
          void sendCommand(ctx, index, Math.floor(n / booted.length), out).finally(() => inflight--);
          n++;
        }
        if (now - t0 >= duration * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    for (let i = 0; i < 400 && inflight > 0; i++) await ctx.sleep(100);
    const s = phase.end();
    const c = ctx.pool.totals().counters;
    const lat = summarize(out.latency);
    const m = ctx.metrics;
    m.stations = booted.length;
    m.capped = ramp.complete ? 'no' : ramp.stopReason;
    m.offeredPerSec = rate;
    m.sent = n;
    m.ok = out.ok;
    m.achievedPerSec = Math.round(out.ok / sendSeconds);
    m.p50Ms = lat.p50;
    m.p95Ms = lat.p95;
    m.p99Ms = lat.p99;
    m.maxMs = lat.max;
    m.failed = Object.values(out.failures).reduce((a, b) => a + b, 0);
    m.apiUnreachable = Object.values(out.transport).reduce((a, b) => a + b, 0);
    m.notSent = notSent;
    m.serverCpuPct = s.serverCpuPct ?? null;
    m.stationsReceived = Object.values(diffRecord(c.incoming, before.incoming)).reduce((a, b) => a + b, 0);
    m.stationsAnsweredNotSupported = c.notSupported - before.notSupported;
    for (const [k, v] of Object.entries(out.failures)) ctx.note(`command failed ${k} ×${v}`);
    for (const [k, v] of Object.entries(out.transport)) ctx.note(`command could not reach the REST API: ${k} ×${v}`);
    if (notSent > 0) ctx.note(`${notSent} commands not sent: ${MAX_INFLIGHT} already in flight`);
  },
};
