/**
 * connect: open N stations (each connects and boots), hold them idle, and measure what
 * an idle station costs the CSMS in memory, and how fast connections are set up.
 * Memory per idle station = (server RSS with N stations − RSS with 0) / N.
 */
import { round, summarize } from '../sim/histogram.js';
import type { Scenario } from './scenario.js';

const MB = 2 ** 20;

export const connect: Scenario = {
  name: 'connect',
  title: 'Idle connections: memory per station and setup rate',
  defaults: {
    quick: { stations: 5000, duration: 2 },
    full: { stations: 100_000, duration: 10 },
  },
  keyMetrics: [
    { key: 'connected', label: 'stations held', unit: '', better: 'higher' },
    { key: 'setupPerSec', label: 'setup rate', unit: 'conn/s', better: 'higher' },
    { key: 'serverKbPerStation', label: 'server memory / station', unit: 'KB', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration + 60 + p.stations / 200,
  async run(ctx) {
    const { stations, duration } = ctx.params;
    const rss0 = await ctx.settledRssBytes(); // the zero reading, once start-up has settled
    const sim0 = ctx.pool.totals().rssBytes;
    ctx.sampler.phase = 'ramp';
    const ramp = await ctx.rampTo(stations);
    ctx.sampler.phase = 'hold';
    await ctx.sleep(Math.max(0, duration - 1) * 1000);
    const rss1 = await ctx.settledRssBytes(4);
    const tot = ctx.pool.totals();
    const m = ctx.metrics;
    m.requested = stations;
    m.connected = tot.booted;
    m.capped = ramp.complete ? 'no' : ramp.stopReason;
    m.rampSeconds = ramp.seconds;
    m.setupPerSec = ramp.perSecond;
    const hs = summarize(ctx.pool.handshakeLatency());
    m.handshakeP50Ms = hs.p50;
    m.handshakeP99Ms = hs.p99;
    if (rss0 !== undefined && rss1 !== undefined) {
      m.serverRssIdleMb = round(rss0 / MB, 1);
      m.serverRssMb = round(rss1 / MB, 1);
      m.serverKbPerStation = tot.booted > 0 ? round((rss1 - rss0) / tot.booted / 1024, 2) : null;
    }
    // Only meaningful when every station got in: at a cap the simulator also holds the
    // stations that never connected and the garbage of their failed attempts.
    m.simKbPerConnection = ramp.complete && tot.open > 0 ? round((tot.rssBytes - sim0) / tot.open / 1024, 2) : null;
    ctx.noteCallErrors(tot.counters.callErrors);
  },
};
