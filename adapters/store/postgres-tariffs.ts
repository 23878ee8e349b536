import type { Sql } from 'postgres';
import { pickAssignment, targetKey, type TariffAssignment, type TariffRecord, type TariffScope, type TariffTarget, type TariffTargetKind, type TransactionCost } from '../../core/tariff-assignment.js';
import type { CostKey, TariffStore } from '../../core/ports/store/tariff-store.js';
import type { TransactionWriteOptions } from '../../core/ports/store/transaction-store.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import { costPlan, runCostPlanAsync, type CostAnswers, type CostOutcome, type CostRead } from '../../core/transaction-costing.js';
import type { MeterValueRecord, TransactionRecord } from '../../core/transaction-types.js';

/** The tariff tables; appended to the PostgreSQL migrations (postgres-migrations.ts). */
export const POSTGRES_TARIFF_TABLES = `CREATE TABLE tariffs (
     tenant_id text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     body text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, id)
   );
   CREATE TABLE tariff_assignments (
     tenant_id text COLLATE "C" NOT NULL,
     kind text COLLATE "C" NOT NULL,
     target_key text COLLATE "C" NOT NULL,
     tariff_id text COLLATE "C" NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (tenant_id, kind, target_key)
   );
   CREATE TABLE transaction_costs (
     station_id text COLLATE "C" NOT NULL,
     transaction_id text COLLATE "C" NOT NULL,
     tenant_id text COLLATE "C" NOT NULL,
     final boolean NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (station_id, transaction_id)
   );
   CREATE INDEX transaction_costs_running ON transaction_costs (station_id, transaction_id) WHERE NOT final`;

/** Tariffs on PostgreSQL: rows keyed by tenant and id (or target), each record as JSON text. */
export class PostgresTariffs implements TariffStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async putTariff(tariff: TariffRecord): Promise<boolean> {
    const body = JSON.stringify(tariff);
    // xmax = 0 only on a freshly inserted row: tells a create from a replace in one statement.
    const [row] = await this.writer.pipelined(
      (tx) => tx<Array<{ inserted: boolean }>>`INSERT INTO tariffs (tenant_id, id, body, updated_at)
        VALUES (${tariff.tenantId}, ${tariff.id}, ${body}, ${tariff.updatedAt})
        ON CONFLICT (tenant_id, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
        RETURNING (xmax = 0) AS inserted`,
    );
    return row!.inserted;
  }

  async getTariff(tenantId: string, id: string): Promise<TariffRecord | undefined> {
    const [row] = await this.sql<Array<{ body: string }>>`SELECT body FROM tariffs WHERE tenant_id = ${tenantId} AND id = ${id}`;
    return row ? (JSON.parse(row.body) as TariffRecord) : undefined;
  }

  async listTariffs(tenantId: string): Promise<TariffRecord[]> {
    const rows = await this.sql<Array<{ body: string }>>`SELECT body FROM tariffs WHERE tenant_id = ${tenantId} ORDER BY id`;
    return rows.map((r) => JSON.parse(r.body) as TariffRecord);
  }

  async deleteTariff(tenantId: string, id: string): Promise<boolean> {
    const result = await this.writer.pipelined((tx) => tx`DELETE FROM tariffs WHERE tenant_id = ${tenantId} AND id = ${id}`);
    return result.count > 0;
  }

  async putAssignment(assignment: TariffAssignment): Promise<boolean> {
    const body = JSON.stringify(assignment);
    const [row] = await this.writer.pipelined(
      (tx) => tx<Array<{ inserted: boolean }>>`INSERT INTO tariff_assignments (tenant_id, kind, target_key, tariff_id, body)
        VALUES (${assignment.tenantId}, ${assignment.target.kind}, ${targetKey(assignment.target)}, ${assignment.tariffId}, ${body})
        ON CONFLICT (tenant_id, kind, target_key) DO UPDATE SET tariff_id = excluded.tariff_id, body = excluded.body
        RETURNING (xmax = 0) AS inserted`,
    );
    return row!.inserted;
  }

  async listAssignments(tenantId: string): Promise<TariffAssignment[]> {
    const rows = await this.sql<Array<{ body: string }>>`SELECT body FROM tariff_assignments WHERE tenant_id = ${tenantId} ORDER BY kind, target_key`;
    return rows.map((r) => JSON.parse(r.body) as TariffAssignment);
  }

  async deleteAssignment(tenantId: string, target: TariffTarget): Promise<boolean> {
    const result = await this.writer.pipelined(
      (tx) => tx`DELETE FROM tariff_assignments WHERE tenant_id = ${tenantId} AND kind = ${target.kind} AND target_key = ${targetKey(target)}`,
    );
    return result.count > 0;
  }

  /** Every assignment that could apply to `scope` (on `sql`, or inside a write's transaction). */
  private async candidates(sql: Sql, tenantId: string, scope: TariffScope): Promise<TariffAssignment[]> {
    const evseKey = scope.evseId === undefined || scope.evseId === null ? null : targetKey({ kind: 'evse', stationId: scope.stationId, evseId: scope.evseId });
    const rows = await sql<Array<{ body: string }>>`SELECT body FROM tariff_assignments WHERE tenant_id = ${tenantId} AND (
        kind = 'default' OR (kind = 'station' AND target_key = ${scope.stationId}) OR (kind = 'evse' AND target_key = ${evseKey})
        OR (kind = 'tokenGroup' AND target_key = ${scope.tokenGroupId ?? null}) OR kind = 'stationGroup')`;
    return rows.map((r) => JSON.parse(r.body) as TariffAssignment);
  }

  async resolveTariff(tenantId: string, scope: TariffScope): Promise<{ tariff: TariffRecord; assignedBy: TariffTargetKind } | undefined> {
    const picked = pickAssignment(await this.candidates(this.sql, tenantId, scope), scope);
    if (!picked) return undefined;
    const tariff = await this.getTariff(tenantId, picked.tariffId);
    return tariff ? { tariff, assignedBy: picked.target.kind } : undefined;
  }

  async putCost(cost: TransactionCost): Promise<boolean> {
    const body = JSON.stringify(cost);
    const result = await this.writer.pipelined(
      (tx) => tx`INSERT INTO transaction_costs (station_id, transaction_id, tenant_id, final, body)
        VALUES (${cost.stationId}, ${cost.transactionId}, ${cost.tenantId}, ${cost.final}, ${body})
        ON CONFLICT (station_id, transaction_id) DO UPDATE SET final = excluded.final, body = excluded.body
        WHERE NOT transaction_costs.final OR excluded.final`,
    );
    return result.count > 0;
  }

  async getCost(tenantId: string, stationId: string, transactionId: string): Promise<TransactionCost | undefined> {
    const [row] = await this.sql<Array<{ body: string }>>`SELECT body FROM transaction_costs
      WHERE station_id = ${stationId} AND transaction_id = ${transactionId} AND tenant_id = ${tenantId}`;
    return row ? (JSON.parse(row.body) as TransactionCost) : undefined;
  }

  async listRunningCosts(limit: number, after?: CostKey): Promise<TransactionCost[]> {
    const rows = after
      ? await this.sql<Array<{ body: string }>>`SELECT body FROM transaction_costs WHERE NOT final
          AND (station_id, transaction_id) > (${after.stationId}, ${after.transactionId}) ORDER BY station_id, transaction_id LIMIT ${limit}`
      : await this.sql<Array<{ body: string }>>`SELECT body FROM transaction_costs WHERE NOT final ORDER BY station_id, transaction_id LIMIT ${limit}`;
    return rows.map((r) => JSON.parse(r.body) as TransactionCost);
  }

  /**
   * Prices `record` inside the transactions slice's write (`tx`, the batch's transaction), so the
   * cost commits with the transaction: core/transaction-costing.ts's plan with reads on `tx`.
   */
  async priceWithin(tx: Tx, record: TransactionRecord, duplicate: boolean, when: NonNullable<TransactionWriteOptions['cost']>, meterValues: (limit: number) => Promise<MeterValueRecord[]>): Promise<CostOutcome> {
    const { tenantId, stationId, id: transactionId } = record;
    const outcome = await runCostPlanAsync(costPlan(record, duplicate, when.at, when.computedAt, when.stationReported), async (read: CostRead) => {
      switch (read.read) {
        case 'start': {
          const [row] = await tx<Array<{ pinned: string | null; priced: boolean }>>`SELECT
              (SELECT body FROM transaction_costs WHERE station_id = ${stationId} AND transaction_id = ${transactionId} AND tenant_id = ${tenantId}) AS pinned,
              EXISTS (SELECT 1 FROM tariff_assignments WHERE tenant_id = ${tenantId}) AS priced`;
          return { pinned: row?.pinned ? (JSON.parse(row.pinned) as TransactionCost) : undefined, tenantPriced: row?.priced === true } satisfies CostAnswers['start'];
        }
        case 'tariff': {
          const [row] = await tx<Array<{ body: string }>>`SELECT body FROM tariffs WHERE tenant_id = ${tenantId} AND id = ${read.id}`;
          return row ? (JSON.parse(row.body) as TariffRecord) : undefined;
        }
        case 'tokenGroup': {
          // As PostgresTokens.matchIdToken: case-insensitive value, the type only when given (2.x).
          const [row] = await tx<Array<{ group_id: string | null }>>`SELECT group_id FROM id_tokens WHERE tenant_id = ${tenantId} AND lower(id_token) = lower(${read.idToken})
            ${read.type === undefined ? tx`` : tx`AND type = ${read.type}`}
            ORDER BY (id_token = ${read.idToken}) DESC, id_token LIMIT 1`;
          return row?.group_id ?? null;
        }
        case 'assignments':
          return this.candidates(tx, tenantId, read.scope);
        case 'meterValues':
          return meterValues(read.limit);
      }
    });
    if (outcome.write && outcome.cost) {
      const c = outcome.cost;
      await tx`INSERT INTO transaction_costs (station_id, transaction_id, tenant_id, final, body)
        VALUES (${c.stationId}, ${c.transactionId}, ${c.tenantId}, ${c.final}, ${JSON.stringify(c)})
        ON CONFLICT (station_id, transaction_id) DO UPDATE SET final = excluded.final, body = excluded.body
        WHERE NOT transaction_costs.final OR excluded.final`;
    }
    return outcome;
  }
}
