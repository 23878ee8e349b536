/**
 * cluster: N idle stations held by a cluster of Switchyard nodes on one machine (issue #10):
 * `params.nodes` node processes sharing one PostgreSQL and one nats-server (started by
 * orchestrator/cluster.ts), station i connecting to node i mod N. Stations boot, then idle
 * with heartbeats. Measures the time until all are connected and booted, the nodes' RSS
 * (together and per station) and the kernel's socket memory beside it, heartbeat load, CPU of
 * the nodes, nats-server and PostgreSQL, and directory operations per second. Then `kill -9`
 * of one node: its stations reconnect to the others (the simulator moves a station to the
 * next node after a failure); measures the time until all are back, and whether a command
 * sent through a node that does not hold a moved station reaches it.
 */
import { round, summarize } from '../sim/histogram.js';
import { cpuDelta, sampleGroup, sampleProcess } from '../lib/proc-stats.js';
import { kernelMemory, type KernelMemory } from '../lib/kernel-memory.js';
import { forEachLimited, request } from '../orchestrator/rest.js';
import { metric, type ClusterInfo } from '../orchestrator/cluster.js';
import { diffRecord, type RunContext } from '../orchestrator/context.js';
import { newOutcome, sendCommand, type CommandOutcome } from './rest-calls.js';
import type { Scenario } from './scenario.js';

const MB = 2 ** 20;
/** Moved stations probed with a command after the storm (all of them below this). */
const PROBE_SAMPLE = 1000;

export const cluster: Scenario = {
  name: 'cluster',
  title: 'Cluster: idle stations over several Switchyard nodes (PostgreSQL + NATS), then kill -9 of one node',
  defaults: {
    // maxInflight is fleet-wide here (split over the simulator children): stations between
    // connect and boot accepted. 600 keeps boot latency well under the 30 s call timeout on a
    // busy 2-core box.
    // 45 s without a new booted station before the ramp counts as stalled: a boot may wait for
    // the 30 s call timeout and its retry when the box is busy (8 s stalled at 0 on a loaded box).
    quick: { stations: 600, duration: 10, nodes: 3, maxInflight: 600, stallSeconds: 45 },
    full: { stations: 100_000, duration: 60, nodes: 7, maxInflight: 600, stallSeconds: 45 },
  },
  keyMetrics: [
    { key: 'booted', label: 'stations booted', unit: '', better: 'higher' },
    { key: 'secondsToAllBooted', label: 'time to all booted', unit: 's', better: 'lower' },
    { key: 'serverKbPerStation', label: 'nodes RSS / station', unit: 'KB', better: 'lower' },
    { key: 'secondsToAllBack', label: 'kill -9: time to all back', unit: 's', better: 'lower' },
    { key: 'movedReachedPct', label: 'moved stations reached by a command', unit: '%', better: 'higher' },
  ],
  reconnect: true,
  heartbeats: true,
  cluster: true,
  budgetSec: (p) => 300 + p.stations / 40 + p.duration * 3,
  async run(ctx) {
    const info = ctx.server.cluster;
    if (!info) throw new Error('the cluster scenario needs a cluster (orchestrator/cluster.ts)');
    const { stations, duration, nodes } = ctx.params;
    const m = ctx.metrics;
    m.nodes = nodes;
    m.requested = stations;
    const perNode = Math.ceil(stations / nodes);
    const afterKill = Math.ceil(stations / Math.max(1, nodes - 1));
    if (ctx.server.fdLimit && afterKill > ctx.server.fdLimit - 200) {
      ctx.note(`after one node dies each of the other ${nodes - 1} must hold ~${afterKill} stations, above a node's open-file limit (${ctx.server.fdLimit}): use more nodes`);
    }

    // --- ramp: connect and boot every station -----------------------------------------
    const rss0 = await ctx.settledRssBytes();
    const k0 = kernelMemory();
    const rampBefore = await snapshot(ctx, info);
    const c0 = structuredClone(ctx.pool.totals().counters);
    const ramp = ctx.beginPhase('ramp', ['BootNotification']);
    // Closed loop: each simulator child keeps at most maxInflight stations between connect and
    // boot accepted, so the ramp follows the cluster's pace. Open loop (all at once) on a shared
    // 2-core box queued boots past the 30 s call timeout and the retries made it collapse.
    const perChild = Math.max(20, Math.ceil(ctx.params.maxInflight / ctx.pool.slices.length));
    const up = await ctx.rampTo(stations, { deadlineSec: 120 + stations / 50, untilBooted: true, maxInflight: perChild });
    const rs = ramp.end();
    const rampAfter = await snapshot(ctx, info);
    const rampSecs = (rampAfter.at - rampBefore.at) / 1000;
    m.rampDirectoryOpsPerSec = round(grew(rampBefore.directoryKvOps, rampAfter.directoryKvOps) / rampSecs, 1);
    m.rampNatsCpuPct = round(((rampAfter.natsCpu - rampBefore.natsCpu) / rampSecs) * 100, 1);
    m.rampPostgresCpuPct = round((cpuDelta(rampBefore.pgCpu, rampAfter.pgCpu) / rampSecs) * 100, 1);
    m.booted = up.reached;
    m.secondsToAllBooted = up.complete ? up.seconds : null;
    m.bootsPerSec = up.perSecond;
    m.bootP99Ms = rs.latency.p99;
    m.rampServerCpuPct = rs.serverCpuPct ?? null;
    // CPU the nodes spent per station brought up (connect, auth, boot, store, directory): unlike
    // the ramp's duration, it does not depend on how much of the box other processes took.
    m.rampServerCpuMsPerStation = rs.serverCpuPct !== undefined && up.reached > 0 ? round((rs.serverCpuPct * rs.seconds * 10) / up.reached, 2) : null;
    m.rampMachineCpuPct = rs.machineCpuPct ?? null;
    m.perNodeAtStart = ctx.pool.totals().bootedByTarget.join('/');
    const c1 = ctx.pool.totals().counters;
    const fails = diffRecord(c1.connectFail, c0.connectFail);
    m.rampConnectAttempts = c1.connectAttempts - c0.connectAttempts;
    m.rampConnectFailures = Object.values(fails).reduce((a, b) => a + b, 0);
    m.rampCallTimeouts = c1.timeouts - c0.timeouts;
    if (m.rampConnectFailures > 0) ctx.note(`ramp: ${m.rampConnectFailures} connection attempts failed (${Object.entries(fails).map(([k, v]) => `${k}×${v}`).join(', ')}) and were retried with back-off`);
    if (up.reached === 0) return void (m.capped = up.stopReason);

    // --- idle: stations only heartbeat ----------------------------------------------------
    await ctx.sleep(2000);
    const before = await snapshot(ctx, info);
    const idle = ctx.beginPhase('idle', ['Heartbeat']);
    const rssSamples: number[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < duration * 1000) {
      await ctx.sleep(1000);
      const rss = ctx.serverRssBytes();
      if (rss !== undefined) rssSamples.push(rss);
    }
    const is = idle.end();
    const after = await snapshot(ctx, info);
    const k1 = kernelMemory();
    const secs = (after.at - before.at) / 1000;
    const booted = ctx.pool.totals().booted;
    // Settled RSS: the least of the last samples (a GC in between lowers it, never raises it).
    const rssN = rssSamples.length > 0 ? Math.min(...rssSamples.slice(-5)) : undefined;
    m.serverRssMb = rssN === undefined ? null : round(rssN / MB, 1);
    m.serverRssIdleMb = rss0 === undefined ? null : round(rss0 / MB, 1);
    m.serverRssPerNodeMb = rssN === undefined ? null : round(rssN / MB / nodes, 1);
    m.serverKbPerStation = rssN !== undefined && rss0 !== undefined && booted > 0 ? round((rssN - rss0) / 1024 / booted, 2) : null;
    Object.assign(m, kernelDelta(k0, k1, booted));
    m.heartbeatsPerSec = round((after.heartbeatsSent - before.heartbeatsSent) / secs, 1);
    m.heartbeatsAnsweredPerSec = round(is.answered / is.seconds, 1);
    m.heartbeatsInPerSecServer = round(grew(before.heartbeatsIn, after.heartbeatsIn) / secs, 1);
    m.heartbeatP99Ms = is.latency.p99;
    m.idleErrors = is.errors;
    m.idleServerCpuPct = is.serverCpuPct ?? null;
    m.idleNatsCpuPct = round(((after.natsCpu - before.natsCpu) / secs) * 100, 1);
    m.idlePostgresCpuPct = round((cpuDelta(before.pgCpu, after.pgCpu) / secs) * 100, 1);
    m.idleDirectoryOpsPerSec = round(grew(before.directoryKvOps, after.directoryKvOps) / secs, 1);
    m.idleNatsMsgsPerSec = round((after.natsMsgs - before.natsMsgs) / secs, 1);
    m.idleMachineCpuPct = is.machineCpuPct ?? null;
    ctx.noteCallErrors(is.callErrors);

    // --- commands across nodes, before the storm ------------------------------------------
    const victim = 0;
    const list = await ctx.pool.listBootedWithTargets();
    const onVictim = list.indices.filter((_, i) => list.targets[i] === victim);
    const live = info.nodes.map((_, i) => i).filter((i) => i !== victim);
    const pre = newOutcome();
    const preSample = sample(onVictim, 200);
    await forEachLimited(preSample, 32, (i) => sendCommand(ctx, i, 0, pre, true, info.nodes[live[i % live.length]].apiUrl));
    m.crossNodeProbes = preSample.length;
    m.crossNodeProbesOk = pre.ok;
    noteOutcome(ctx, 'command through another node before the kill', pre);
    if (nodes < 2) return void ctx.note('one node: no kill -9 storm');

    // --- kill -9 of one node: its stations reconnect to the others ------------------------
    const expected = ctx.pool.totals().booted;
    const sc0 = structuredClone(ctx.pool.totals().counters);
    const stormBefore = await snapshot(ctx, info);
    const storm = ctx.beginPhase('storm', ['BootNotification']);
    const tKill = Date.now();
    await info.kill(victim);
    m.killedNode = info.nodeIds[victim];
    m.stationsOnKilledNode = onVictim.length;
    let allBack = false;
    let last = expected;
    let progressAt = tKill;
    const deadline = tKill + Math.max(120, duration * 2, onVictim.length / 50) * 1000;
    while (Date.now() < deadline) {
      await ctx.sleep(100);
      const tot = ctx.pool.totals();
      if (tot.booted >= expected && (tot.bootedByTarget[victim] ?? 0) === 0) {
        allBack = true;
        break;
      }
      // Progress = more booted than a moment ago (the count first drops by the killed node's share).
      if (tot.booted > last) progressAt = Date.now();
      last = tot.booted;
      // A boot left unanswered is retried after the 30 s call timeout: wait that long for progress.
      if (Date.now() - progressAt > 45_000 * (ctx.pool.lagging() ? 2 : 1)) break;
    }
    const ss = storm.end();
    const stormAfter = await snapshot(ctx, info);
    const tot = ctx.pool.totals();
    const stormSecs = (stormAfter.at - stormBefore.at) / 1000;
    m.secondsToAllBack = allBack ? round((tot.lastBootAt - tKill) / 1000) : null;
    m.notBack = Math.max(0, expected - tot.booted);
    m.openNotBooted = tot.open - tot.booted;
    m.stormCallTimeouts = tot.counters.timeouts - sc0.timeouts;
    m.stormConnectFailures = Object.values(diffRecord(tot.counters.connectFail, sc0.connectFail)).reduce((a, b) => a + b, 0);
    m.perNodeAfterStorm = tot.bootedByTarget.join('/');
    m.stormBootP99Ms = ss.latency.p99;
    m.stormServerCpuPct = ss.serverCpuPct ?? null;
    m.stormNatsCpuPct = round(((stormAfter.natsCpu - stormBefore.natsCpu) / stormSecs) * 100, 1);
    m.stormPostgresCpuPct = round((cpuDelta(stormBefore.pgCpu, stormAfter.pgCpu) / stormSecs) * 100, 1);
    m.stormDirectoryOpsPerSec = round(grew(stormBefore.directoryKvOps, stormAfter.directoryKvOps) / stormSecs, 1);
    m.stormDisplacements = grew(stormBefore.displacements, stormAfter.displacements);
    if (!allBack) ctx.note(`not all stations came back after kill -9 of ${info.nodeIds[victim]}: ${ctx.diagnose(tot)}`);
    ctx.noteCallErrors(ss.callErrors);

    // --- do commands reach the moved stations, through a node that does not hold them? ------
    const moved = await ctx.pool.listBootedWithTargets();
    const wasOnVictim = new Set(onVictim);
    const movedNow = moved.indices.map((index, i) => ({ index, node: moved.targets[i] })).filter((s) => wasOnVictim.has(s.index));
    const probes = sample(movedNow, PROBE_SAMPLE);
    const via = (node: number) => {
      const others = live.filter((i) => i !== node);
      return info.nodes[others.length > 0 ? others[node % others.length] : node].apiUrl;
    };
    if (live.length < 2) ctx.note('two nodes: after the kill only one is left, so the probe goes through the node that holds the station');
    const first = newOutcome();
    await forEachLimited(probes, 32, (s) => sendCommand(ctx, s.index, 0, first, true, via(s.node)));
    const tReached = Date.now();
    m.movedProbed = probes.length;
    m.movedReachedFirstTry = first.ok;
    m.movedReachedPct = probes.length > 0 ? round((first.ok / probes.length) * 100, 1) : null;
    m.secondsToCommandsReach = allBack && first.ok === probes.length ? round((tReached - tKill) / 1000) : null;
    m.movedProbeP99Ms = summarize(first.latency).p99;
    noteOutcome(ctx, 'command to a moved station through a node that does not hold it', first);
    if (first.ok < probes.length) {
      // Once more after a pause: a stale cache must give an answer and then a fresh lookup.
      await ctx.sleep(3000);
      const again = newOutcome();
      await forEachLimited(probes, 32, (s) => sendCommand(ctx, s.index, 0, again, true, via(s.node)));
      m.movedReachedSecondTry = again.ok;
      noteOutcome(ctx, 'second try', again);
    }
  },
};

interface Snapshot {
  at: number;
  heartbeatsSent: number;
  /** Per node (undefined: killed or not answering), so a delta skips a node that died. */
  heartbeatsIn: Array<number | undefined>;
  directoryKvOps: Array<number | undefined>;
  displacements: Array<number | undefined>;
  natsCpu: number;
  natsMsgs: number;
  pgCpu?: Map<number, number>;
}

/** Counters of the whole cluster at one moment: live nodes' metrics, nats-server, PostgreSQL. */
async function snapshot(ctx: RunContext, info: ClusterInfo): Promise<Snapshot> {
  const texts = await Promise.all(
    info.nodes.map((n, i) =>
      info.killed.has(i) ? Promise.resolve(undefined) : request('GET', `${n.apiUrl}/metrics`, undefined, 10_000).then((r) => (r.status === 200 ? String(r.body) : undefined), () => undefined),
    ),
  );
  const per = (name: string, labels?: string) => texts.map((t) => (t === undefined ? undefined : metric(t, name, labels)));
  const kvOps = ['get', 'create', 'update', 'delete', 'leaseRefresh'].map((op) => per('csms_directory_operations_total', `op="${op}"`));
  const kv = texts.map((t, i) => (t === undefined ? undefined : kvOps.reduce((a, ops) => a + (ops[i] ?? 0), 0)));
  const varz = (await request('GET', `${info.natsMonitorUrl}/varz`, undefined, 5000).then((r) => r.body as Record<string, number>, () => undefined)) ?? {};
  return {
    at: Date.now(),
    heartbeatsSent: ctx.pool.totals().counters.heartbeats,
    heartbeatsIn: per('csms_ocpp_messages_in_total', 'action="Heartbeat"'),
    directoryKvOps: kv,
    displacements: per('csms_directory_operations_total', 'op="displaceSent"'),
    natsCpu: sampleProcess(info.natsPid, false)?.cpuSeconds ?? 0,
    natsMsgs: (varz.in_msgs ?? 0) + (varz.out_msgs ?? 0),
    pgCpu: sampleGroup(info.postgresPids(), false)?.cpu,
  };
}

/** Growth of a per-node counter, over the nodes that answered both times. */
function grew(before: Array<number | undefined>, after: Array<number | undefined>): number {
  return after.reduce<number>((a, v, i) => (v !== undefined && before[i] !== undefined ? a + v - before[i]! : a), 0);
}

/** Slab and TCP buffer growth over the ramp, per station (both socket ends are on this machine). */
function kernelDelta(k0: KernelMemory | undefined, k1: KernelMemory | undefined, stations: number): Record<string, number | null> {
  if (!k0 || !k1 || stations === 0) return { kernelSlabMb: null, kernelSlabKbPerStation: null, kernelTcpBufferMb: null };
  const slab = k1.slabBytes - k0.slabBytes;
  return {
    kernelSlabMb: round(slab / MB, 1),
    kernelSlabKbPerStation: round(slab / 1024 / stations, 2),
    kernelTcpBufferMb: round((k1.tcpBufferBytes - k0.tcpBufferBytes) / MB, 1),
    tcpSockets: k1.tcpSockets,
  };
}

function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]);
}

function noteOutcome(ctx: RunContext, what: string, o: CommandOutcome): void {
  for (const [k, v] of Object.entries(o.failures)) ctx.note(`${what}: ${k} ×${v}`);
  for (const [k, v] of Object.entries(o.transport)) ctx.note(`${what}: API not reachable ${k} ×${v}`);
}
