/**
 * Load driver for the cluster directory alone (bench/directory.ts spawns one per simulated node):
 * this process is one node's StationDirectory and nothing else, so its CPU time is the
 * directory's (with its NATS client). Phases, on a schedule the orchestrator gives every driver:
 *   connect  announce `stations` stations, all at once, until every write landed
 *   idle     nothing happens but the lease (shows the cost does not grow with stations held)
 *   churn    `churnRate` reconnects per second (withdraw + announce); every `moveEvery`-th one is
 *            a station of the next node connecting here (a takeover and a displacement notice)
 *   lookups  `lookupRate` lookups per second of random stations of all nodes
 * Prints one JSON line per phase on stdout: { phase, seconds, cpuSec, counts } (counts: the
 * directory's operation counters during the phase). Not a test, not for production.
 */
import { connectNats } from '../adapters/bus/nats-connect.js';
import { StationDirectory, type DirectoryCounts } from './station-directory.js';

interface Plan {
  natsUrl: string;
  nodeId: string;
  /** This node's index and the number of nodes (station ids are n<index>-<k>). */
  index: number;
  nodes: number;
  stations: number;
  ttlSec: number;
  idleSec: number;
  churnSec: number;
  churnRate: number;
  moveEvery: number;
  lookupSec: number;
  lookupRate: number;
  /** Epoch ms at which each phase after connect starts (the same for every driver). */
  startIdleAt: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { info() {}, warn() {}, error: (fields: Record<string, unknown>, message: string) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`) };
let failures = 0;

const nc = await connectNats(plan.natsUrl, `directory-load-${plan.nodeId}`);
const directory = await StationDirectory.open(nc, { nodeId: plan.nodeId, ttlSec: plan.ttlSec, log: quiet, onError: () => failures++ });
const held = new Set<string>();
directory.listenForDisplacements((stationId) => held.delete(stationId));
const id = (node: number, k: number) => `n${node}-${k}`;
const now = () => new Date().toISOString();
const entry = () => ({ tenantId: 'bench', version: 'ocpp2.0.1' as const, connectedAt: now() });

function delta(before: DirectoryCounts): DirectoryCounts {
  const out = { ...directory.counts };
  for (const key of Object.keys(out) as Array<keyof DirectoryCounts>) out[key] -= before[key];
  return out;
}

/** Events driven in the current phase (stations announced, reconnects, lookups). */
let events = 0;

async function phase(name: string, body: () => Promise<void>): Promise<void> {
  events = 0;
  const counts = { ...directory.counts };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await body();
  const used = process.cpuUsage(cpu);
  const line = { phase: name, node: plan.nodeId, seconds: (performance.now() - started) / 1000, cpuSec: (used.user + used.system) / 1e6, events, counts: delta(counts), failures };
  process.stdout.write(JSON.stringify(line) + '\n');
}

/** Runs `tick` `rate` times per second for `seconds`, in 10 ms slices. */
async function paced(seconds: number, rate: number, tick: () => Promise<void>): Promise<void> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let done = 0;
  const pending: Array<Promise<void>> = [];
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (done < due) {
      pending.push(tick());
      done++;
      events++;
    }
    await sleep(10);
  }
  await Promise.all(pending);
}

await phase('connect', async () => {
  for (let k = 0; k < plan.stations; k++) {
    events++;
    held.add(id(plan.index, k));
    directory.announce(id(plan.index, k), entry());
  }
  await directory.settled();
});

await sleep(Math.max(0, plan.startIdleAt - Date.now()));
await phase('idle', async () => {
  await sleep(plan.idleSec * 1000);
});

let reconnects = 0;
await phase('churn', async () => {
  const next = (plan.index + 1) % plan.nodes;
  await paced(plan.churnSec, plan.churnRate, async () => {
    reconnects++;
    const k = Math.floor(Math.random() * plan.stations);
    if (plan.moveEvery > 0 && plan.nodes > 1 && reconnects % plan.moveEvery === 0) {
      // A station of the next node connects here (its old node is told to close it).
      held.add(id(next, k));
      directory.announce(id(next, k), entry());
      return;
    }
    const stationId = id(plan.index, k);
    directory.withdraw(stationId);
    held.add(stationId);
    directory.announce(stationId, entry());
  });
  await directory.settled();
});

await phase('lookups', async () => {
  await paced(plan.lookupSec, plan.lookupRate, async () => {
    const node = Math.floor(Math.random() * plan.nodes);
    await directory.lookup(id(node, Math.floor(Math.random() * plan.stations))).then(
      () => undefined,
      () => {
        failures++;
      },
    );
  });
});

await directory.close({ release: true });
await nc.close();
