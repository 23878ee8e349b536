/**
 * Runs one scenario against one target: start the server, start the simulator, sample,
 * run, and tear everything down again — also when the scenario fails or overruns its
 * budget, so a run always ends by itself.
 */
import { RunContext, type Metrics, type Params } from './context.js';
import { Sampler, type TimelinePoint } from './sampler.js';
import { SimPool } from './sim-pool.js';
import { serverPids, startServer, tail, type StartOptions, type TargetKind } from './server-process.js';
import { startCluster } from './cluster.js';
import { PREFIX } from '../scenarios/rest-calls.js';
import { round } from '../sim/histogram.js';
import type { Scenario } from '../scenarios/scenario.js';

export interface RunOptions {
  perChild: number;
  minChildren: number;
  server: StartOptions;
  /** Second octet of the source addresses; changes every run (see planSlices). */
  subnet: number;
}

export interface RunResult {
  scenario: string;
  target: TargetKind;
  ok: boolean;
  error?: string;
  startedAt: string;
  seconds: number;
  params: Params;
  metrics: Metrics;
  notes: string[];
  details: Record<string, unknown>;
  server: { pid?: number; fdLimit: number; startSeconds: number; stopSeconds?: number; logTail?: string };
  sim: { children: number; maxSocketsPerChild: number; childFdLimit: number; peakRssMb: number; cpuSeconds: number; maxLoopDelayMs: number; sourceAddresses: string[]; otherCpuPct?: number };
  timeline: TimelinePoint[];
}

export async function runScenario(scenario: Scenario, target: TargetKind, params: Params, o: RunOptions): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const result: RunResult = {
    scenario: scenario.name,
    target,
    ok: false,
    startedAt,
    seconds: 0,
    params,
    metrics: {},
    notes: [],
    details: {},
    server: { fdLimit: 0, startSeconds: 0 },
    sim: { children: 0, maxSocketsPerChild: 0, childFdLimit: 0, peakRssMb: 0, cpuSeconds: 0, maxLoopDelayMs: 0, sourceAddresses: [] },
    timeline: [],
  };
  let server;
  try {
    server = scenario.cluster ? await startCluster(params, o.server) : await startServer(target, o.server);
  } catch (err) {
    result.error = `server did not start: ${(err as Error).message}`;
    result.seconds = round((Date.now() - t0) / 1000, 1);
    return result;
  }
  result.server = { pid: server.pid, fdLimit: server.fdLimit, startSeconds: round(server.startSeconds) };
  let pool: SimPool | undefined;
  let sampler: Sampler | undefined;
  try {
    pool = await SimPool.start({
      urls: server.ocppUrls ?? [server.ocppUrl],
      heartbeats: scenario.heartbeats,
      stations: params.stations,
      perChild: o.perChild,
      minChildren: Math.max(o.minChildren, scenario.minChildren ?? 1),
      mix: params.mix,
      prefix: PREFIX,
      handshakeTimeoutMs: 10_000,
      callTimeoutMs: 30_000,
      bootRetryMaxMs: 3000,
      reconnect: scenario.reconnect,
      subnet: o.subnet,
    });
    const srv = server;
    sampler = new Sampler(pool, () => serverPids(srv));
    sampler.start();
    const ctx = new RunContext(server, pool, sampler, params);
    const budget = scenario.budgetSec(params) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario overran its ${Math.round(budget / 1000)} s budget`)), budget);
    });
    try {
      await Promise.race([scenario.run(ctx), overrun]);
      result.ok = true;
    } catch (err) {
      result.error = (err as Error).message;
    } finally {
      clearTimeout(timer);
    }
    Object.assign(result.metrics, ctx.metrics);
    result.notes.push(...ctx.notes, ...pool.fatal);
    Object.assign(result.details, ctx.details);
    const tot = pool.totals();
    if (tot.counters.noSubprotocol > 0) {
      result.notes.push(`${tot.counters.noSubprotocol} handshakes did not echo the OCPP subprotocol the station offered (OCPP-J requires it)`);
    }
    result.sim = {
      children: pool.slices.length,
      maxSocketsPerChild: tot.maxSocketsPerChild,
      childFdLimit: tot.childFdLimit,
      peakRssMb: Math.max(0, ...sampler.points.map((p) => p.simRssMb)),
      cpuSeconds: round(tot.cpuSeconds),
      maxLoopDelayMs: Math.max(0, ...sampler.points.map((p) => p.simLoopDelayMs)),
      sourceAddresses: pool.slices.flatMap((s) => s.sourceAddresses),
    };
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    sampler?.stop();
    result.timeline = sampler?.points ?? [];
    const other = result.timeline.map((p) => p.otherCpuPct ?? 0);
    const otherAvg = other.length ? other.reduce((a, b) => a + b, 0) / other.length : 0;
    result.sim.otherCpuPct = round(otherAvg, 1);
    if (otherAvg > 25) result.notes.push(`other processes on this machine used ${round(otherAvg, 0)}% of a core on average during this run: its numbers are disturbed`);
    if (server.logFile && (!result.ok || result.error)) result.server.logTail = tail(server.logFile);
    await pool?.stop();
    if (server.pid && result.timeline.length > 0 && result.timeline.at(-1)?.serverRssMb === undefined) {
      result.notes.push('the server process was gone before the end of the run');
    }
    result.server.stopSeconds = round(await server.stop());
  }
  result.seconds = round((Date.now() - t0) / 1000, 1);
  return result;
}
