import type { Logger } from 'pino';
import type { Bus, Subscription } from '../core/ports/bus.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import { transactionStatus } from '../actors/commands/transaction-status.js';

/** The flags that say a transaction's record lacks station messages (core/transaction-fold.ts). */
const MISSING = new Set(['missing-events', 'ended-without-start']);

/**
 * OCPP 2.0.1 E14: after a transaction ended offline with messages missing (a gap in seqNo, or no
 * Started), the CSMS asks the station with GetTransactionStatus whether it still holds messages
 * for it (a station that does sends them next). Only the node holding the station's connection
 * asks (with NATS every node sees the event); the answer is logged. 1.6 has no seqNo, so no gap.
 */
export function askAfterOfflineGaps(
  bus: Bus,
  commands: Pick<StationCommands, 'run'>,
  holds: (stationId: string) => boolean,
  log: Pick<Logger, 'info' | 'warn'>,
): Subscription {
  return bus.subscribe('transaction.ended', (event) => {
    const p = event.payload as { offline?: boolean; flags?: string[]; transactionId?: string; seqNo?: number };
    if (p.offline !== true || typeof p.transactionId !== 'string' || p.seqNo === undefined) return;
    if (!p.flags?.some((f) => MISSING.has(f)) || !holds(event.stationId)) return;
    const fields = { tenantId: event.tenantId, stationId: event.stationId, transactionId: p.transactionId, flags: p.flags };
    commands
      .run(event.tenantId, event.stationId, transactionStatus, { transactionId: p.transactionId })
      .then(({ reply }) =>
        reply.status === 'result'
          ? log.info({ ...fields, answer: reply.payload }, 'offline transaction ended with messages missing: asked GetTransactionStatus')
          : log.warn({ ...fields, reply }, 'offline transaction ended with messages missing: GetTransactionStatus failed'),
      )
      .catch((error: unknown) => log.warn({ ...fields, err: error }, 'offline transaction ended with messages missing: GetTransactionStatus failed'));
  });
}
