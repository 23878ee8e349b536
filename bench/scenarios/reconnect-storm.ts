/**
 * reconnect-storm: N connected, booted stations all lose their connection at once (TCP
 * reset, as in a network cut or a CSMS restart behind a load balancer) and reconnect
 * immediately. Measures the time until all are back and booted, then looks for stations
 * left in a wrong state: not back, dropped again, or unreachable by the CSMS (a REST
 * command that no longer finds the station, e.g. the old socket's close handler removed
 * the new socket's registration).
 */
import { summarize, round } from '../sim/histogram.js';
import { diffRecord } from '../orchestrator/context.js';
import { forEachLimited, request } from '../orchestrator/rest.js';
import { newOutcome, registerStations, sendCommand } from './rest-calls.js';
import type { Scenario } from './scenario.js';

export const reconnectStorm: Scenario = {
  name: 'reconnect-storm',
  title: 'Reconnect storm: all stations drop and reconnect at once',
  defaults: {
    quick: { stations: 2000, duration: 30 },
    full: { stations: 100_000, duration: 120, register: true },
  },
  keyMetrics: [
    { key: 'back', label: 'stations back', unit: '', better: 'higher' },
    { key: 'secondsToAllBack', label: 'time to all back', unit: 's', better: 'lower' },
    { key: 'wrongState', label: 'wrong state after', unit: '', better: 'lower' },
  ],
  reconnect: true,
  budgetSec: (p) => p.duration * 2 + 90 + p.stations / 100,
  async run(ctx) {
    const { duration } = ctx.params;
    const stations = ctx.clampToServer(ctx.params.stations);
    if (ctx.params.register) await registerStations(ctx, stations);
    ctx.sampler.phase = 'ramp';
    const ramp = await ctx.rampTo(stations);
    if (ramp.reached === 0) return void (ctx.metrics.capped = ramp.stopReason);
    await ctx.sleep(1000);
    const before = structuredClone(ctx.pool.totals());
    const expected = before.booted;
    const phase = ctx.beginPhase('storm', ['BootNotification']);
    const t0 = Date.now();
    ctx.pool.drop(true);
    let allBack = false;
    let best = 0;
    let bestAt = t0;
    while (Date.now() - t0 < duration * 1000) {
      await ctx.sleep(100);
      const accepted = ctx.pool.totals().counters.bootAccepted - before.counters.bootAccepted;
      if (accepted >= expected && ctx.pool.totals().booted >= expected) {
        allBack = true;
        break;
      }
      if (accepted > best) [best, bestAt] = [accepted, Date.now()];
      if (Date.now() - bestAt > ctx.params.stallSeconds * 1000 * (ctx.pool.lagging() ? 3 : 1)) break;
    }
    const s = phase.end();
    const mid = ctx.pool.totals();
    ctx.sampler.phase = 'check';
    await ctx.sleep(2000); // anything the CSMS does late (closing "duplicates") shows up now
    const after = ctx.pool.totals();
    const m = ctx.metrics;
    m.requested = ctx.params.stations;
    m.before = expected;
    m.back = after.booted;
    m.secondsToAllBack = allBack ? round((mid.lastBootAt - t0) / 1000) : null;
    m.reconnectsPerSec = allBack ? Math.round(expected / Math.max(0.001, (mid.lastBootAt - t0) / 1000)) : null;
    m.bootP99Ms = s.latency.p99;
    m.notBack = Math.max(0, expected - after.booted);
    const lateDrops = diffRecord(after.counters.disconnects, mid.counters.disconnects);
    m.droppedAgain = Object.values(lateDrops).reduce((a, b) => a + b, 0);
    m.connectFailures = Object.values(diffRecord(after.counters.connectFail, before.counters.connectFail)).reduce((a, b) => a + b, 0);
    // Can the CSMS still reach every station? A read-only command to each (or a sample).
    const booted = await ctx.pool.listBooted();
    const sample = booted.length > 5000 ? booted.filter((_, i) => i % Math.ceil(booted.length / 5000) === 0) : booted;
    const probe = newOutcome();
    await forEachLimited(sample, 64, (i) => sendCommand(ctx, i, 0, probe, true));
    m.probed = sample.length;
    const apiErrors = Object.values(probe.transport).reduce((a, b) => a + b, 0);
    m.unreachable = sample.length - probe.ok - apiErrors;
    m.probeApiErrors = apiErrors;
    m.probeP99Ms = summarize(probe.latency).p99;
    m.wrongState = (m.notBack as number) + (m.unreachable as number) + (m.droppedAgain as number);
    m.serverReportsConnected = await connectedPerApi(ctx.server.apiUrl);
    if (!allBack) ctx.note(`not all stations came back within ${duration} s: ${ctx.diagnose(after)}`);
    for (const [k, v] of Object.entries(probe.failures)) ctx.note(`probe after storm failed ${k} ×${v}`);
    if (apiErrors > 0) {
      ctx.note(`${apiErrors} probes could not reach the REST API (${Object.entries(probe.transport).map(([k, v]) => `${k}×${v}`).join(', ')}): not counted as stations in a wrong state; at the open-file cap the server cannot accept HTTP connections either`);
    }
    for (const [k, v] of Object.entries(lateDrops)) ctx.note(`dropped again after reconnecting: ${k} ×${v}`);
  },
};

/**
 * Stations the CSMS's own GET /stations says are connected, if its shape is recognisable
 * (a list, or pages of `{ items, nextCursor }` as Switchyard answers).
 */
async function connectedPerApi(apiUrl: string): Promise<number | string> {
  const flag = (s: Record<string, unknown>) => s.connected ?? s.online ?? (typeof s.status === 'string' ? /connected|online/i.test(s.status) : undefined);
  let connected = 0;
  let seen = 0;
  let total = 0;
  let cursor: string | undefined;
  try {
    for (let page = 0; page < 1000; page++) {
      const q = cursor ? `?limit=1000&cursor=${encodeURIComponent(cursor)}` : '?limit=1000';
      const r = await request('GET', `${apiUrl}/stations${q}`, undefined, 10_000);
      if (r.status !== 200) return 'n/a';
      const body = r.body as { items?: unknown[]; nextCursor?: string | null } | unknown[];
      const list = Array.isArray(body) ? body : body?.items;
      if (!Array.isArray(list)) return 'n/a';
      total += list.length;
      for (const s of list) {
        const f = s && typeof s === 'object' ? flag(s as Record<string, unknown>) : undefined;
        if (f === undefined) continue;
        seen++;
        if (f === true) connected++;
      }
      cursor = Array.isArray(body) ? undefined : (body?.nextCursor ?? undefined);
      if (!cursor) break;
    }
  } catch {
    return 'n/a';
  }
  // A recognisable but empty list means none connected; entries without a flag mean n/a.
  return seen === 0 && total > 0 ? 'n/a' : connected;
}
