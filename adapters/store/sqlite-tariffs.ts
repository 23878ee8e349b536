import type { Database, Statement } from 'better-sqlite3';
import { pickAssignment, targetKey, type TariffAssignment, type TariffRecord, type TariffScope, type TariffTarget, type TariffTargetKind, type TransactionCost } from '../../core/tariff-assignment.js';
import type { CostKey, TariffStore } from '../../core/ports/store/tariff-store.js';
import type { TransactionWriteOptions } from '../../core/ports/store/transaction-store.js';
import type { GroupCommit } from './group-commit.js';
import { runCostPlan, type CostAnswers, type CostOutcome, type CostRead, costPlan } from '../../core/transaction-costing.js';
import type { MeterValueRecord, TransactionRecord } from '../../core/transaction-types.js';

/** The tariff tables; appended to the SQLite migrations (sqlite-migrations.ts). */
export const SQLITE_TARIFF_TABLES = `CREATE TABLE tariffs (
     tenant_id TEXT NOT NULL,
     id TEXT NOT NULL,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (tenant_id, id)
   ) WITHOUT ROWID;
   CREATE TABLE tariff_assignments (
     tenant_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     target_key TEXT NOT NULL,
     tariff_id TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (tenant_id, kind, target_key)
   ) WITHOUT ROWID;
   CREATE TABLE transaction_costs (
     station_id TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     final INTEGER NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (station_id, transaction_id)
   ) WITHOUT ROWID;
   CREATE INDEX transaction_costs_running ON transaction_costs (station_id, transaction_id) WHERE final = 0;`;

type Stmt = 'costStart' | 'tokenGroup' | 'existsTariff' | 'upsertTariff' | 'getTariff' | 'listTariffs' | 'removeTariff' | 'existsAssignment' | 'upsertAssignment' | 'listAssignments' | 'removeAssignment' | 'candidates' | 'upsertCost' | 'getCost' | 'running' | 'runningAfter';

/** Tariffs of the SQLite store: rows keyed by tenant and id (or target), each record as JSON. */
export class SqliteTariffs implements TariffStore {
  private readonly stmt: Record<Stmt, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      // The pinned cost and whether the tenant prices anything, in one read (core/transaction-costing.ts).
      costStart: db.prepare(
        `SELECT (SELECT body FROM transaction_costs WHERE station_id = @stationId AND transaction_id = @transactionId AND tenant_id = @tenantId) AS pinned,
           EXISTS (SELECT 1 FROM tariff_assignments WHERE tenant_id = @tenantId) AS priced`,
      ),
      // As SqliteTokens.matchIdToken: case-insensitive value, the type only when given (2.x).
      tokenGroup: db.prepare(
        `SELECT group_id FROM id_tokens INDEXED BY id_tokens_nocase WHERE tenant_id = @tenantId AND id_token = @idToken COLLATE NOCASE
           AND (@type IS NULL OR type = @type)
         ORDER BY id_token = @idToken DESC, id_token LIMIT 1`,
      ),
      existsTariff: db.prepare('SELECT 1 FROM tariffs WHERE tenant_id = ? AND id = ?'),
      upsertTariff: db.prepare(
        `INSERT INTO tariffs (tenant_id, id, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant_id, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      ),
      getTariff: db.prepare('SELECT body FROM tariffs WHERE tenant_id = ? AND id = ?'),
      listTariffs: db.prepare('SELECT body FROM tariffs WHERE tenant_id = ? ORDER BY id'),
      removeTariff: db.prepare('DELETE FROM tariffs WHERE tenant_id = ? AND id = ?'),
      existsAssignment: db.prepare('SELECT 1 FROM tariff_assignments WHERE tenant_id = ? AND kind = ? AND target_key = ?'),
      upsertAssignment: db.prepare(
        `INSERT INTO tariff_assignments (tenant_id, kind, target_key, tariff_id, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, kind, target_key) DO UPDATE SET tariff_id = excluded.tariff_id, body = excluded.body`,
      ),
      listAssignments: db.prepare('SELECT body FROM tariff_assignments WHERE tenant_id = ? ORDER BY kind, target_key'),
      removeAssignment: db.prepare('DELETE FROM tariff_assignments WHERE tenant_id = ? AND kind = ? AND target_key = ?'),
      // Every assignment that could apply: exact keys by the primary key, station groups all (few per tenant).
      candidates: db.prepare(
        `SELECT body FROM tariff_assignments WHERE tenant_id = ? AND (
           (kind = 'default') OR (kind = 'station' AND target_key = ?) OR (kind = 'evse' AND target_key = ?)
           OR (kind = 'tokenGroup' AND target_key = ?) OR (kind = 'stationGroup'))`,
      ),
      upsertCost: db.prepare(
        `INSERT INTO transaction_costs (station_id, transaction_id, tenant_id, final, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (station_id, transaction_id) DO UPDATE SET final = excluded.final, body = excluded.body
         WHERE transaction_costs.final = 0 OR excluded.final = 1`,
      ),
      getCost: db.prepare('SELECT body FROM transaction_costs WHERE station_id = ? AND transaction_id = ? AND tenant_id = ?'),
      running: db.prepare('SELECT body FROM transaction_costs WHERE final = 0 ORDER BY station_id, transaction_id LIMIT ?'),
      runningAfter: db.prepare(
        'SELECT body FROM transaction_costs WHERE final = 0 AND (station_id, transaction_id) > (?, ?) ORDER BY station_id, transaction_id LIMIT ?',
      ),
    };
  }

  putTariff(tariff: TariffRecord): Promise<boolean> {
    const body = JSON.stringify(tariff);
    return this.writer.enqueue(() => {
      const existed = this.stmt.existsTariff.get(tariff.tenantId, tariff.id) !== undefined;
      this.stmt.upsertTariff.run(tariff.tenantId, tariff.id, body, tariff.updatedAt);
      return !existed;
    });
  }

  async getTariff(tenantId: string, id: string): Promise<TariffRecord | undefined> {
    const row = this.stmt.getTariff.get(tenantId, id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as TariffRecord) : undefined;
  }

  async listTariffs(tenantId: string): Promise<TariffRecord[]> {
    return (this.stmt.listTariffs.all(tenantId) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TariffRecord);
  }

  deleteTariff(tenantId: string, id: string): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.removeTariff.run(tenantId, id).changes > 0);
  }

  putAssignment(assignment: TariffAssignment): Promise<boolean> {
    const { kind } = assignment.target;
    const key = targetKey(assignment.target);
    const body = JSON.stringify(assignment);
    return this.writer.enqueue(() => {
      const existed = this.stmt.existsAssignment.get(assignment.tenantId, kind, key) !== undefined;
      this.stmt.upsertAssignment.run(assignment.tenantId, kind, key, assignment.tariffId, body);
      return !existed;
    });
  }

  async listAssignments(tenantId: string): Promise<TariffAssignment[]> {
    return (this.stmt.listAssignments.all(tenantId) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TariffAssignment);
  }

  deleteAssignment(tenantId: string, target: TariffTarget): Promise<boolean> {
    return this.writer.enqueue(() => this.stmt.removeAssignment.run(tenantId, target.kind, targetKey(target)).changes > 0);
  }

  async resolveTariff(tenantId: string, scope: TariffScope): Promise<{ tariff: TariffRecord; assignedBy: TariffTargetKind } | undefined> {
    const picked = pickAssignment(this.candidates(tenantId, scope), scope);
    if (!picked) return undefined;
    const tariff = await this.getTariff(tenantId, picked.tariffId);
    return tariff ? { tariff, assignedBy: picked.target.kind } : undefined;
  }

  putCost(cost: TransactionCost): Promise<boolean> {
    const body = JSON.stringify(cost);
    return this.writer.enqueue(
      () => this.stmt.upsertCost.run(cost.stationId, cost.transactionId, cost.tenantId, cost.final ? 1 : 0, body).changes > 0,
    );
  }

  async getCost(tenantId: string, stationId: string, transactionId: string): Promise<TransactionCost | undefined> {
    const row = this.stmt.getCost.get(stationId, transactionId, tenantId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as TransactionCost) : undefined;
  }

  async listRunningCosts(limit: number, after?: CostKey): Promise<TransactionCost[]> {
    const rows = (after ? this.stmt.runningAfter.all(after.stationId, after.transactionId, limit) : this.stmt.running.all(limit)) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as TransactionCost);
  }

  /**
   * Prices `record` inside the caller's write (the transactions slice's, so the cost commits with
   * the transaction): runs core/transaction-costing.ts's plan with this connection's reads and
   * keeps the cost. Synchronous: it must run inside the group commit's transaction.
   */
  priceWithin(record: TransactionRecord, duplicate: boolean, when: NonNullable<TransactionWriteOptions['cost']>, meterValues: (limit: number) => MeterValueRecord[]): CostOutcome {
    const { tenantId, stationId, id: transactionId } = record;
    const outcome = runCostPlan(costPlan(record, duplicate, when.at, when.computedAt, when.stationReported), (read: CostRead) => {
      switch (read.read) {
        case 'start': {
          const row = this.stmt.costStart.get({ tenantId, stationId, transactionId }) as { pinned: string | null; priced: number };
          return { pinned: row.pinned ? (JSON.parse(row.pinned) as TransactionCost) : undefined, tenantPriced: row.priced === 1 } satisfies CostAnswers['start'];
        }
        case 'tariff': {
          const row = this.stmt.getTariff.get(tenantId, read.id) as { body: string } | undefined;
          return row ? (JSON.parse(row.body) as TariffRecord) : undefined;
        }
        case 'tokenGroup':
          return ((this.stmt.tokenGroup.get({ tenantId, idToken: read.idToken, type: read.type ?? null }) as { group_id: string | null } | undefined)?.group_id ?? null);
        case 'assignments':
          return this.candidates(tenantId, read.scope);
        case 'meterValues':
          return meterValues(read.limit);
      }
    });
    if (outcome.write && outcome.cost) {
      const c = outcome.cost;
      this.stmt.upsertCost.run(c.stationId, c.transactionId, c.tenantId, c.final ? 1 : 0, JSON.stringify(c));
    }
    return outcome;
  }

  private candidates(tenantId: string, scope: TariffScope): TariffAssignment[] {
    const evseKey = scope.evseId === undefined || scope.evseId === null ? null : targetKey({ kind: 'evse', stationId: scope.stationId, evseId: scope.evseId });
    const rows = this.stmt.candidates.all(tenantId, scope.stationId, evseKey, scope.tokenGroupId ?? null) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as TariffAssignment);
  }
}
