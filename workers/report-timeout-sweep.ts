import type { RequestStore } from '../core/ports/store/request-store.js';
import { startPeriodicSweep } from '../actors/commands/periodic-sweep.js';

/** Requests closed per store write; a backlog drains over consecutive writes of one sweep. */
const BATCH = 500;

export interface ReportTimeoutSweepDeps {
  requests: Pick<RequestStore, 'failStaleReports'>;
  timeoutSec: number;
  clock?: () => Date;
  log?: { warn(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
}

/**
 * Reports that never finish (CSMS_REPORT_TIMEOUT_SEC): closes paged report requests whose station
 * went silent before the last part, `failed` with the reason; one warn line each. Returns how many.
 */
export async function sweepReportTimeouts(deps: ReportTimeoutSweepDeps): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  let total = 0;
  for (;;) {
    const closed = await deps.requests.failStaleReports(clock().toISOString(), deps.timeoutSec, BATCH);
    for (const r of closed) {
      deps.log?.warn(
        { tenantId: r.tenantId, stationId: r.stationId, requestId: r.requestId, action: r.action, parts: r.parts, error: r.error },
        'report request failed: the station stopped before its last part',
      );
    }
    total += closed.length;
    if (closed.length < BATCH) return total;
  }
}

/** Runs `sweepReportTimeouts` a few times per timeout (1 s to 1 min apart; never two at once); stop() waits. */
export function startReportTimeoutSweep(deps: ReportTimeoutSweepDeps): { stop(): Promise<void> } {
  const everyMs = Math.max(1000, Math.min(60_000, (deps.timeoutSec * 1000) / 4));
  return startPeriodicSweep(() => sweepReportTimeouts(deps), everyMs, (error) => deps.log?.error({ err: error }, 'report timeout sweep failed; retried next time'));
}
