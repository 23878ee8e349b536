/**
 * transactions: stations run charging sessions — Authorize, StartTransaction (1.6) or
 * TransactionEvent Started (2.x), periodic meter values, then Stop/Ended — at a
 * fleet-wide message rate. A CSMS that does not implement sessions answers with
 * NotSupported/NotImplemented; that is reported as "not available", not as a failure.
 */
import { summarize } from '../sim/histogram.js';
import { diffRecord } from '../orchestrator/context.js';
import type { Scenario } from './scenario.js';

const START_ACTIONS = ['StartTransaction', 'TransactionEvent'];
const UNSUPPORTED = /:(NotSupported|NotImplemented)$/;

export const transactions: Scenario = {
  name: 'transactions',
  title: 'Charging sessions: Authorize, start, meter values, stop',
  defaults: {
    quick: { stations: 500, rate: 1000, duration: 4 },
    full: { stations: 10_000, rate: 3000, duration: 30 },
  },
  keyMetrics: [
    { key: 'sessionsPerSec', label: 'sessions completed', unit: '/s', better: 'higher' },
    { key: 'p99Ms', label: 'latency p99', unit: 'ms', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration + 60 + p.stations / 200,
  async run(ctx) {
    const { rate, duration } = ctx.params;
    const ramp = await ctx.rampFleet();
    if (!ramp) return;
    ctx.sampler.phase = 'warm-up';
    ctx.pool.load('transactions', rate, 3);
    await ctx.sleep(2000); // sessions are 6 calls long: let them reach a steady state
    const before = structuredClone(ctx.pool.totals().counters);
    const phase = ctx.beginPhase('sessions');
    await ctx.sleep(duration * 1000);
    const s = phase.end();
    ctx.pool.load('none', 0);
    const c = ctx.pool.totals().counters;
    const m = ctx.metrics;
    const starts = ctx.pool.phaseLatency(START_ACTIONS).count;
    const unsupported = Object.entries(s.callErrors).filter(([k]) => UNSUPPORTED.test(k) && START_ACTIONS.includes(k.split(':')[0]));
    m.stations = ramp.reached;
    m.available = starts > 0 ? 'yes' : unsupported.length > 0 ? 'not available' : 'no answers';
    if (starts === 0 && unsupported.length > 0) {
      ctx.note(`transactions not available on this CSMS: ${unsupported.map(([k, n]) => `${k}×${n}`).join(', ')}`);
    }
    m.sessionsStarted = c.sessionsStarted - before.sessionsStarted;
    m.sessionsCompleted = c.sessionsCompleted - before.sessionsCompleted;
    m.sessionsFailed = c.sessionsFailed - before.sessionsFailed;
    m.sessionsPerSec = starts > 0 ? Math.round((m.sessionsCompleted as number) / s.seconds) : null;
    m.achievedPerSec = Math.round(s.answered / s.seconds);
    m.p50Ms = s.latency.p50;
    m.p99Ms = s.latency.p99;
    for (const action of ctx.pool.phaseActions()) m[`p99Ms.${action}`] = summarize(ctx.pool.phaseLatency([action])).p99;
    m.serverCpuPct = s.serverCpuPct ?? null;
    ctx.noteCallErrors(s.callErrors);
    for (const [k, n] of Object.entries(diffRecord(c.rejected, before.rejected))) {
      ctx.note(`id token not accepted: ${k} ×${n} (a rejected StartTransaction ends the session)`);
    }
  },
};
