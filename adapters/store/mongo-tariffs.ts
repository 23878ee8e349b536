import type { Db } from 'mongodb';
import { pickAssignment, targetKey, type TariffAssignment, type TariffRecord, type TariffScope, type TariffTarget, type TariffTargetKind, type TransactionCost } from '../../core/tariff-assignment.js';
import type { CostKey, TariffStore } from '../../core/ports/store/tariff-store.js';

interface TariffDoc {
  _id: string;
  tenantId: string;
  id: string;
  tariff: TariffRecord;
}
interface AssignmentDoc {
  _id: string;
  tenantId: string;
  kind: string;
  key: string;
  assignment: TariffAssignment;
}
interface CostDoc {
  _id: string;
  tenantId: string;
  stationId: string;
  transactionId: string;
  final: boolean;
  cost: TransactionCost;
}

/**
 * Tariffs on MongoDB: one document per tariff, assignment and transaction cost.
 * Untested on our machines (no MongoDB server); runs the contract when MONGODB_URL is set.
 */
export class MongoTariffs implements TariffStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get tariffs() {
    return this.db.collection<TariffDoc>('tariffs');
  }
  private get assignments() {
    return this.db.collection<AssignmentDoc>('tariff_assignments');
  }
  private get costs() {
    return this.db.collection<CostDoc>('transaction_costs');
  }

  async putTariff(tariff: TariffRecord): Promise<boolean> {
    await this.ready;
    const result = await this.tariffs.replaceOne({ _id: `${tariff.tenantId}|${tariff.id}` }, { tenantId: tariff.tenantId, id: tariff.id, tariff }, { upsert: true });
    return result.upsertedCount === 1;
  }

  async getTariff(tenantId: string, id: string): Promise<TariffRecord | undefined> {
    await this.ready;
    return (await this.tariffs.findOne({ _id: `${tenantId}|${id}` }))?.tariff;
  }

  async listTariffs(tenantId: string): Promise<TariffRecord[]> {
    await this.ready;
    return (await this.tariffs.find({ tenantId }, { sort: { id: 1 } }).toArray()).map((d) => d.tariff);
  }

  async deleteTariff(tenantId: string, id: string): Promise<boolean> {
    await this.ready;
    return (await this.tariffs.deleteOne({ _id: `${tenantId}|${id}` })).deletedCount === 1;
  }

  async putAssignment(assignment: TariffAssignment): Promise<boolean> {
    await this.ready;
    const kind = assignment.target.kind;
    const key = targetKey(assignment.target);
    const result = await this.assignments.replaceOne(
      { _id: `${assignment.tenantId}|${kind}|${key}` },
      { tenantId: assignment.tenantId, kind, key, assignment },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async listAssignments(tenantId: string): Promise<TariffAssignment[]> {
    await this.ready;
    return (await this.assignments.find({ tenantId }, { sort: { kind: 1, key: 1 } }).toArray()).map((d) => d.assignment);
  }

  async deleteAssignment(tenantId: string, target: TariffTarget): Promise<boolean> {
    await this.ready;
    return (await this.assignments.deleteOne({ _id: `${tenantId}|${target.kind}|${targetKey(target)}` })).deletedCount === 1;
  }

  async resolveTariff(tenantId: string, scope: TariffScope): Promise<{ tariff: TariffRecord; assignedBy: TariffTargetKind } | undefined> {
    await this.ready;
    const or: Array<Record<string, unknown>> = [{ kind: 'default' }, { kind: 'station', key: scope.stationId }, { kind: 'stationGroup' }];
    if (scope.evseId !== undefined && scope.evseId !== null) or.push({ kind: 'evse', key: targetKey({ kind: 'evse', stationId: scope.stationId, evseId: scope.evseId }) });
    if (scope.tokenGroupId) or.push({ kind: 'tokenGroup', key: scope.tokenGroupId });
    const docs = await this.assignments.find({ tenantId, $or: or }).toArray();
    const picked = pickAssignment(docs.map((d) => d.assignment), scope);
    if (!picked) return undefined;
    const tariff = await this.getTariff(tenantId, picked.tariffId);
    return tariff ? { tariff, assignedBy: picked.target.kind } : undefined;
  }

  async putCost(cost: TransactionCost): Promise<boolean> {
    await this.ready;
    const _id = `${cost.stationId}|${cost.transactionId}`;
    const doc = { tenantId: cost.tenantId, stationId: cost.stationId, transactionId: cost.transactionId, final: cost.final, cost };
    // A running cost replaces only a running one; a final one replaces anything.
    const filter = cost.final ? { _id } : { _id, final: false };
    try {
      const result = await this.costs.replaceOne(filter, doc, { upsert: true });
      return result.modifiedCount + result.upsertedCount > 0 || result.matchedCount > 0;
    } catch (error) {
      // The upsert of a running cost collided with a stored final one (same _id): not written.
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async getCost(tenantId: string, stationId: string, transactionId: string): Promise<TransactionCost | undefined> {
    await this.ready;
    const doc = await this.costs.findOne({ _id: `${stationId}|${transactionId}`, tenantId });
    return doc?.cost;
  }

  async listRunningCosts(limit: number, after?: CostKey): Promise<TransactionCost[]> {
    await this.ready;
    const filter = after
      ? { final: false, $or: [{ stationId: { $gt: after.stationId } }, { stationId: after.stationId, transactionId: { $gt: after.transactionId } }] }
      : { final: false };
    return (await this.costs.find(filter, { sort: { stationId: 1, transactionId: 1 }, limit }).toArray()).map((d) => d.cost);
  }
}
