/**
 * Entry point of one simulator child process (forked by the orchestrator). It owns a
 * slice of the fleet and talks to the parent over IPC only; see ipc.ts for messages.
 * Several children are needed because one process cannot hold more than its
 * open-file limit (20k here) of sockets.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Fleet } from './fleet.js';
import { fdLimit } from '../lib/proc-stats.js';
import type { ChildStats, FromChild, ToChild } from './ipc.js';

const child = Number(process.env.BENCH_CHILD ?? 0);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let fleet: Fleet | undefined;

function send(msg: FromChild): void {
  process.send?.(msg);
}

function stats(f: Fleet): ChildStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  // The monitor samples every 10 ms; what exceeds that is how late the loop ran.
  const p99 = loopDelay.count > 0 ? Math.max(0, loopDelay.percentile(99) / 1e6 - 10) : 0;
  loopDelay.reset();
  return {
    child,
    at: Date.now(),
    connecting: f.connecting,
    open: f.open,
    booted: f.booted,
    counters: f.counters,
    ...f.takeLatency(),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    loopDelayP99Ms: p99,
    fdLimit: fdLimit('self'),
    lastOpenAt: f.lastOpenAt,
    lastBootAt: f.lastBootAt,
    bootedByTarget: [...f.bootedByTarget],
  };
}

process.on('message', (raw) => {
  const msg = raw as ToChild;
  switch (msg.t) {
    case 'init':
      fleet = new Fleet(msg.cfg);
      // Four reports a second: fine enough to time storms, cheap enough to ignore.
      setInterval(() => fleet && send({ t: 'stats', stats: stats(fleet) }), 250);
      send({ t: 'ready', child, pid: process.pid });
      return;
    case 'connect':
      return fleet?.connect(msg.upTo, msg.rampPerSec, msg.maxInflight, msg.boot, msg.untilBooted);
    case 'hold':
      return fleet?.hold();
    case 'load':
      return fleet?.setLoad(msg.mode, msg.ratePerSec, msg.meterValuesPerSession);
    case 'drop':
      return fleet?.drop(msg.reconnect, msg.rampPerSec, msg.maxInflight);
    case 'list-booted':
      return send({ t: 'booted', req: msg.req, ...(fleet?.bootedIndices() ?? { indices: [], targets: [] }) });
    case 'close-all':
      return fleet?.closeAll();
    case 'exit':
      return exitQuietly();
  }
});

/**
 * Reset every socket before exiting: a plain exit closes them with FIN, which parks
 * each client port in TIME_WAIT for 60 s and starves the next run of ports.
 */
function exitQuietly(): void {
  fleet?.stop();
  for (const s of fleet?.stations ?? []) s.ws?.drop();
  setTimeout(() => process.exit(0), 300);
}

// Losing the parent must never leave thousands of sockets open.
process.on('disconnect', exitQuietly);
process.on('uncaughtException', (err) => {
  send({ t: 'fatal', message: String(err?.stack ?? err) });
  process.exit(1);
});
