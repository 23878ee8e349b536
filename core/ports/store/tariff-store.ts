import type { TariffAssignment, TariffRecord, TariffScope, TariffTarget, TariffTargetKind, TransactionCost } from '../../tariff-assignment.js';

/** A key of a cost row, for paging the sweep. */
export interface CostKey {
  stationId: string;
  transactionId: string;
}

/**
 * Tariffs per tenant (core/tariff-assignment.ts), where each applies, and the cost of each
 * transaction (the tariff pinned at its first costing, the running or final cost).
 */
export interface TariffStore {
  /** Creates or replaces tariff `tariff.id`; true when it was new. */
  putTariff(tariff: TariffRecord): Promise<boolean>;
  getTariff(tenantId: string, id: string): Promise<TariffRecord | undefined>;
  /** By id. */
  listTariffs(tenantId: string): Promise<TariffRecord[]>;
  /** False when there was no such tariff. Assignments naming it are not touched (the API refuses first). */
  deleteTariff(tenantId: string, id: string): Promise<boolean>;

  /** Creates or replaces the assignment of its target (one per kind and key); true when new. */
  putAssignment(assignment: TariffAssignment): Promise<boolean>;
  /** By kind, then key. */
  listAssignments(tenantId: string): Promise<TariffAssignment[]>;
  /** False when that target had no assignment. */
  deleteAssignment(tenantId: string, target: TariffTarget): Promise<boolean>;
  /**
   * The tariff that applies to `scope` in the resolution order of core/tariff-assignment.ts,
   * with the kind of assignment that chose it; undefined when none applies (or the assigned tariff is gone).
   */
  resolveTariff(tenantId: string, scope: TariffScope): Promise<{ tariff: TariffRecord; assignedBy: TariffTargetKind } | undefined>;

  /**
   * Keeps a transaction's cost. A running cost never replaces a final one (a sweep that read the
   * transaction before it ended); returns false when it was not written for that reason.
   */
  putCost(cost: TransactionCost): Promise<boolean>;
  getCost(tenantId: string, stationId: string, transactionId: string): Promise<TransactionCost | undefined>;
  /** Costs that are not final yet, of every tenant, in (stationId, transactionId) order after `after`. */
  listRunningCosts(limit: number, after?: CostKey): Promise<TransactionCost[]>;
}
