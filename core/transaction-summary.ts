import { busEvent, type BusEvent } from './envelope.js';
import type { TransactionRecord } from './transaction-types.js';

/** What bus subscribers get about a transaction: the record minus storage bookkeeping. */
export function transactionSummary(r: TransactionRecord): Record<string, unknown> {
  return {
    transactionId: r.id,
    ocppTransactionId: r.ocppTransactionId,
    evseId: r.evseId,
    connectorId: r.connectorId,
    idToken: r.idToken,
    isActive: r.isActive,
    chargingState: r.chargingState,
    totalKwh: r.totalKwh,
    timeSpentChargingSec: r.timeSpentChargingSec,
    stoppedReason: r.stoppedReason,
    remoteStartId: r.remoteStartId,
    reservationId: r.reservationId,
    triggerReason: r.triggerReason,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    flags: r.flags,
  };
}

/** Why the CSMS, not the station, ended a transaction (the record's flag of the same name). */
export type CsmsCloseReason = 'superseded-by-new-transaction' | 'closed-after-timeout';

/**
 * The `transaction.ended` event of a transaction the CSMS closed: a ghost superseded by a new
 * transaction on its EVSE (`supersededBy` names it) or one swept after the stale timeout.
 * `closedBy` says which; a station's own end has no `closedBy`.
 */
export function csmsClosedEvent(record: TransactionRecord, closedBy: CsmsCloseReason, extra: Record<string, unknown> = {}): BusEvent {
  return busEvent('transaction.ended', record.tenantId, record.stationId, { ...transactionSummary(record), closedBy, ...extra, outOfOrder: false });
}
