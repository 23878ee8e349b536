/**
 * REST work shared by scenarios: registering stations with passwords, and sending
 * commands to stations through POST /stations/{id}/ocpp/{Action} with latency kept.
 */
import { performance } from 'node:perf_hooks';
import { Histogram, round } from '../sim/histogram.js';
import { forEachLimited, request } from '../orchestrator/rest.js';
import { stationId, stationPassword, versionFor } from '../sim/station-plan.js';
import { bump } from '../sim/ipc.js';
import type { RunContext } from '../orchestrator/context.js';
import { commandFor, probeFor } from './command-payloads.js';

export const PREFIX = 'SIM';

/** Registers stations 0..n-1 with their passwords; says so in the notes. */
export async function registerStations(ctx: RunContext, requested: number): Promise<void> {
  // Stations beyond the server's open-file limit can never connect at once; registering
  // them would only cost time (Switchyard hashes every password).
  const cap = ctx.server.fdLimit > 0 && Number.isFinite(ctx.server.fdLimit) ? ctx.server.fdLimit : Infinity;
  const n = Math.min(requested, cap);
  if (n < requested) ctx.note(`registered only the first ${n} of ${requested} stations: the server's open-file limit is ${cap}`);
  const t0 = Date.now();
  const statuses: Record<string, number> = {};
  const indices = Array.from({ length: n }, (_, i) => i);
  await forEachLimited(indices, 32, async (i) => {
    const status = await request('POST', `${ctx.server.apiUrl}/stations`, { id: stationId(PREFIX, i), password: stationPassword(i) }).then(
      (r) => String(r.status),
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    bump(statuses, status);
  });
  const seconds = (Date.now() - t0) / 1000;
  ctx.metrics.registerPerSec = Math.round(n / seconds);
  const ok = (statuses['201'] ?? 0) + (statuses['200'] ?? 0) + (statuses['409'] ?? 0);
  if (ok < n) ctx.note(`registration: ${JSON.stringify(statuses)} (stations not registered connect as unknown stations)`);
  else ctx.note(`${n} stations registered with passwords over REST in ${round(seconds, 1)} s; their Basic auth is checked on connect`);
}

export interface CommandOutcome {
  latency: Histogram;
  ok: number;
  /** The API answered with an error status (station unknown, not connected, CALLERROR, timeout). */
  failures: Record<string, number>;
  /** The API itself could not be reached (reset, timeout, refused): says nothing about the
   * station, e.g. a server out of file descriptors cannot accept the HTTP connection. */
  transport: Record<string, number>;
}

export function newOutcome(): CommandOutcome {
  return { latency: new Histogram(), ok: 0, failures: {}, transport: {} };
}

/** Sends one command to station `index` (through `apiUrl`, default the server's) and records the outcome. */
export async function sendCommand(ctx: RunContext, index: number, n: number, out: CommandOutcome, probe = false, apiUrl = ctx.server.apiUrl): Promise<void> {
  const v = versionFor(index, ctx.params.mix);
  const cmd = probe ? probeFor(v) : commandFor(v, n);
  const url = `${apiUrl}/stations/${encodeURIComponent(stationId(PREFIX, index))}/ocpp/${cmd.action}`;
  const t0 = performance.now();
  try {
    const r = await request('POST', url, cmd.payload, 35_000);
    if (r.status >= 200 && r.status < 300) {
      out.ok++;
      out.latency.record((performance.now() - t0) * 1000);
    } else bump(out.failures, `${cmd.action}:HTTP ${r.status} ${errorText(r.body)}`.trim());
  } catch (e) {
    bump(out.transport, `${cmd.action}:${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function errorText(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    return String(b.code ?? b.error ?? b.message ?? '').slice(0, 60);
  }
  return '';
}
