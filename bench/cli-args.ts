/** Command-line options of `npm run bench -- <scenario|all> [...]`. */
import { parseArgs } from 'node:util';
import { DEFAULT_MIX, parseMix, type VersionMix } from './sim/station-plan.js';
import type { TargetKind } from './orchestrator/server-process.js';

export const USAGE = `usage: npm run bench -- <scenario|all>[,<scenario>…] [options]

scenarios: connect, boot-storm, steady, max-throughput, transactions, commands, reconnect-storm
           cluster (not part of "all": Switchyard nodes + nats-server + PostgreSQL, no baselines)
           load-management (not part of "all": 1,000 stations on 20 sites, reaction time of the
                            site allocator from a session start to every new profile; no baselines)

  --profile quick|full   quick: whole suite in ~3 min (≤5k stations); full: 100k stations requested
  --stations N           stations (overrides the profile)
  --rate R               msg/s (steady, transactions), cmd/s (commands), first step (max-throughput)
  --duration S           seconds measured (hold / load / step length / storm deadline)
  --ramp R               connections per second while ramping up (0 = as fast as possible)
  --baseline B           uws | ws | none | all (default all): baselines run in the same invocation
  --target URL           an already running CSMS, e.g. ws://127.0.0.1:8080/ocpp (default: start
                         Switchyard from dist/workers/main.js on free ports with a temp data dir)
  --api URL              its REST API (default: same host, OCPP port + 1)
  --target-pid PID       its process id, to sample memory/CPU/open files from /proc
  --api-key KEY          Bearer key for its REST API (default: $BENCH_API_KEY)
  --mix 16:5,201:3,21:2  weights of OCPP 1.6 / 2.0.1 / 2.1 stations
  --workers N            CSMS_WORKERS for Switchyard and the uws baseline (default: cores)
  --per-child N          sockets per simulator process (default 18000; fd limit here is 20000)
  --children N           at least N simulator processes (default 1)
  --register / --no-register   register stations with passwords first (default: storms only)
  --nodes N              cluster: Switchyard node processes (default 3 quick, 7 full)
  --heartbeat S          cluster: heartbeat interval the CSMS gives stations (default 300 s)
  --no-switchyard        run the baselines only
  --cpu-prof             write V8 CPU profiles of the servers (all threads) to <out>/profiles/;
                         summarise with: node dist/bench/tools/profile-top.js <files>
  --out DIR              where result files go (default bench/results)`;

export interface CliOptions {
  scenarios: string[];
  profile: 'quick' | 'full';
  stations?: number;
  rate?: number;
  duration?: number;
  ramp?: number;
  baselines: TargetKind[];
  primary: TargetKind | undefined;
  target?: string;
  api?: string;
  targetPid?: number;
  apiKey?: string;
  mix: VersionMix;
  workers?: number;
  perChild: number;
  children: number;
  register?: boolean;
  /** Switchyard nodes for the cluster scenario. */
  nodes?: number;
  /** Heartbeat interval (s) the CSMS gives stations in the cluster scenario. */
  heartbeat?: number;
  out?: string;
  cpuProf: boolean;
  argv: string[];
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got "${v}"`);
  return n;
}

export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'quick' },
      stations: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      ramp: { type: 'string' },
      baseline: { type: 'string', default: 'all' },
      target: { type: 'string' },
      api: { type: 'string' },
      'target-pid': { type: 'string' },
      'api-key': { type: 'string' },
      mix: { type: 'string' },
      workers: { type: 'string' },
      'per-child': { type: 'string', default: '18000' },
      children: { type: 'string', default: '1' },
      register: { type: 'boolean' },
      nodes: { type: 'string' },
      heartbeat: { type: 'string' },
      'no-register': { type: 'boolean' },
      'no-switchyard': { type: 'boolean' },
      out: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const profile = values.profile;
  if (profile !== 'quick' && profile !== 'full') throw new Error(`--profile must be quick or full, got "${profile}"`);
  const b = values.baseline;
  const baselines: TargetKind[] = b === 'all' ? ['uws', 'ws'] : b === 'none' ? [] : b === 'uws' || b === 'ws' ? [b] : [];
  if (!['all', 'none', 'uws', 'ws'].includes(b)) throw new Error(`--baseline must be uws, ws, none or all, got "${b}"`);
  const primary: TargetKind | undefined = values.target ? 'external' : values['no-switchyard'] ? undefined : 'switchyard';
  if (!primary && baselines.length === 0) throw new Error('nothing to measure: --no-switchyard with --baseline none');
  return {
    scenarios: (positionals[0] ?? 'all').split(','),
    profile,
    stations: num(values.stations, 'stations'),
    rate: num(values.rate, 'rate'),
    duration: num(values.duration, 'duration'),
    ramp: num(values.ramp, 'ramp'),
    baselines,
    primary,
    target: values.target,
    api: values.api,
    targetPid: num(values['target-pid'], 'target-pid'),
    apiKey: values['api-key'] ?? process.env.BENCH_API_KEY,
    mix: values.mix ? parseMix(values.mix) : DEFAULT_MIX,
    workers: num(values.workers, 'workers'),
    perChild: num(values['per-child'], 'per-child') ?? 18000,
    children: num(values.children, 'children') ?? 1,
    register: values.register ? true : values['no-register'] ? false : undefined,
    nodes: num(values.nodes, 'nodes'),
    heartbeat: num(values.heartbeat, 'heartbeat'),
    out: values.out,
    cpuProf: values['cpu-prof'] ?? false,
    argv,
  };
}
