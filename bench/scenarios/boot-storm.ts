/**
 * boot-storm: N stations connect and send BootNotification all at once (no ramp, no
 * concurrency cap), as after a site-wide power cut. Measures the time until every
 * station is Accepted, boot latency, and what went wrong on the way.
 */
import { summarize } from '../sim/histogram.js';
import { registerStations } from './rest-calls.js';
import type { Scenario } from './scenario.js';

export const bootStorm: Scenario = {
  name: 'boot-storm',
  title: 'Boot storm: N stations connect and boot at once',
  defaults: {
    quick: { stations: 2000, duration: 30, register: true },
    full: { stations: 100_000, duration: 120, register: true },
  },
  keyMetrics: [
    { key: 'booted', label: 'stations booted', unit: '', better: 'higher' },
    // Until the last station that could boot did: equals "time to all Accepted" unless the
    // server hit a cap, and still compares servers when it did.
    { key: 'secondsToLastBoot', label: 'time to last Accepted', unit: 's', better: 'lower' },
    { key: 'bootP99Ms', label: 'boot p99', unit: 'ms', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration + 60 + p.stations / 500,
  async run(ctx) {
    const { stations, duration } = ctx.params;
    if (ctx.params.register) await registerStations(ctx, stations);
    await ctx.sleep(500);
    const phase = ctx.beginPhase('storm', ['BootNotification']);
    const storm = await ctx.rampTo(stations, { ramp: 0, maxInflight: 1e9, deadlineSec: duration });
    const stats = phase.end();
    const c = ctx.pool.totals().counters;
    const m = ctx.metrics;
    m.requested = stations;
    m.booted = storm.reached;
    m.secondsToAllAccepted = storm.complete ? storm.seconds : null;
    m.secondsToLastBoot = storm.seconds;
    m.bootsPerSec = storm.perSecond;
    m.capped = storm.complete ? 'no' : storm.stopReason;
    m.bootP50Ms = stats.latency.p50;
    m.bootP99Ms = stats.latency.p99;
    m.bootMaxMs = stats.latency.max;
    const hs = summarize(ctx.pool.handshakeLatency());
    m.handshakeP50Ms = hs.p50;
    m.handshakeP99Ms = hs.p99;
    m.connectAttempts = c.connectAttempts;
    m.connectFailures = Object.values(c.connectFail).reduce((a, b) => a + b, 0);
    m.bootPending = c.bootPending;
    m.bootRejected = c.bootRejected;
    m.callTimeouts = c.timeouts;
    m.serverCpuPct = stats.serverCpuPct ?? null;
    const failKinds = Object.entries(c.connectFail);
    if (failKinds.length > 0) ctx.note(`connection failures during the storm: ${failKinds.map(([k, v]) => `${k}×${v}`).join(', ')} (stations retried)`);
    ctx.noteCallErrors(c.callErrors);
  },
};
