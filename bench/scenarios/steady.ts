/**
 * steady: N booted stations send Heartbeat / StatusNotification / MeterValues (1:1:2)
 * at a fleet-wide rate R for S seconds. Measures achieved msg/s, latency and the CPU
 * each message costs the CSMS.
 */
import { round } from '../sim/histogram.js';
import type { Scenario } from './scenario.js';

export const steady: Scenario = {
  name: 'steady',
  title: 'Steady load: Heartbeat, StatusNotification, MeterValues at rate R',
  defaults: {
    quick: { stations: 2000, rate: 2000, duration: 4 },
    full: { stations: 100_000, rate: 10_000, duration: 60 },
  },
  keyMetrics: [
    { key: 'achievedPerSec', label: 'achieved', unit: 'msg/s', better: 'higher' },
    { key: 'p99Ms', label: 'latency p99', unit: 'ms', better: 'lower' },
    { key: 'serverCpuUsPerMsg', label: 'server CPU / msg', unit: 'µs', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration + 60 + p.stations / 200,
  async run(ctx) {
    const { rate, duration } = ctx.params;
    const ramp = await ctx.rampFleet();
    if (!ramp) return;
    ctx.sampler.phase = 'warm-up';
    ctx.pool.load('steady', rate);
    await ctx.sleep(1000);
    const phase = ctx.beginPhase('steady');
    await ctx.sleep(duration * 1000);
    const s = phase.end();
    ctx.pool.load('none', 0);
    const achieved = s.answered / s.seconds;
    const m = ctx.metrics;
    m.stations = ramp.reached;
    m.capped = ramp.complete ? 'no' : ramp.stopReason;
    m.offeredPerSec = rate;
    m.achievedPerSec = Math.round(achieved);
    m.p50Ms = s.latency.p50;
    m.p95Ms = s.latency.p95;
    m.p99Ms = s.latency.p99;
    m.maxMs = s.latency.max;
    m.errors = s.errors;
    m.unsupported = s.unsupported;
    m.notSent = s.deferred;
    m.serverCpuPct = s.serverCpuPct ?? null;
    m.serverCpuUsPerMsg = s.serverCpuPct !== undefined && achieved > 0 ? round((s.serverCpuPct * 1e4) / achieved, 1) : null;
    m.simCpuPct = s.simCpuPct;
    m.simCpuUsPerMsg = achieved > 0 ? round((s.simCpuPct * 1e4) / achieved, 1) : null;
    const rss = ctx.serverRssBytes();
    m.serverRssMb = rss === undefined ? null : round(rss / 2 ** 20, 1);
    if (s.deferred > 0) ctx.note(`${s.deferred} messages not sent: every station already had a call in flight or the simulator fell behind`);
    ctx.noteCallErrors(s.callErrors);
    if (s.unsupported > 0) ctx.note(`${s.unsupported} calls answered NotSupported/NotImplemented: counted as answered (the CSMS processed them) but not as failures`);
  },
};
