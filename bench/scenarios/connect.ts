/**
 * connect: open N stations (each connects and boots), hold them idle, and measure what
 * an idle station costs the CSMS in memory, and how fast connections are set up.
 * Memory per idle station = (server RSS with N stations − RSS with 0) / N, where the RSS with
 * N stations is the settled value (the minimum of the last SETTLE_SAMPLES one-second samples
 * after the ramp, so garbage not yet collected does not count). A difference smaller than
 * NOISE_FLOOR_BYTES (small runs, or GC returning start-up memory) is reported as null with a
 * note ("below noise") rather than as a meaningless, possibly negative, figure.
 */
import { round, summarize } from '../sim/histogram.js';
import type { Scenario } from './scenario.js';

const MB = 2 ** 20;
/** RSS differences below this are GC and allocator noise, not the stations' cost. */
export const NOISE_FLOOR_BYTES = 2 * MB;
/** One-second RSS samples taken after the ramp; the settled value is their minimum. */
const SETTLE_SAMPLES = 4;

/** Server KB per idle station, or null when the RSS difference is within the noise floor. */
export function kbPerStation(rss0: number, rss1: number, stations: number): number | null {
  if (stations <= 0 || Math.abs(rss1 - rss0) < NOISE_FLOOR_BYTES || rss1 < rss0) return null;
  return round((rss1 - rss0) / stations / 1024, 2);
}

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
    // Sample the server's RSS once a second through the hold (at least SETTLE_SAMPLES
    // times) and keep the minimum of the last SETTLE_SAMPLES: the settled value.
    const samples: number[] = [];
    const holdSamples = Math.max(SETTLE_SAMPLES, duration);
    for (let i = 0; i < holdSamples; i++) {
      await ctx.sleep(1000);
      const rss = ctx.serverRssBytes();
      if (rss !== undefined) samples.push(rss);
    }
    const last = samples.slice(-SETTLE_SAMPLES);
    const rss1 = last.length > 0 ? Math.min(...last) : undefined;
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
      m.serverKbPerStation = kbPerStation(rss0, rss1, tot.booted);
      if (m.serverKbPerStation === null && tot.booted > 0) {
        ctx.note(
          `server memory / station below noise: RSS moved ${round((rss1 - rss0) / MB, 1)} MB for ${tot.booted} stations ` +
            `(noise floor ${NOISE_FLOOR_BYTES / MB} MB); run more stations for a per-station figure`,
        );
      }
    }
    // Only meaningful when every station got in: at a cap the simulator also holds the
    // stations that never connected and the garbage of their failed attempts.
    m.simKbPerConnection = ramp.complete && tot.open > 0 ? round((tot.rssBytes - sim0) / tot.open / 1024, 2) : null;
    ctx.noteCallErrors(tot.counters.callErrors);
  },
};
