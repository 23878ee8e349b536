import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { TransactionStore } from '../core/ports/store/transaction-store.js';
import { transactionSummary } from '../core/transaction-summary.js';
import type { TransactionRecord } from '../core/transaction-types.js';
import type { DeliveryLease } from './delivery.js';
import type { SessionService, TransactionFacts } from './sessions.js';
import type { TariffSender } from './tariffs.js';
import { tokenDocId } from './token-authorizer.js';

export interface ReconcileSettings {
  /** Transactions written more recently than this are left to the live path (it is still at work on them). */
  graceMs: number;
  /** How far back the first sweep of a tenant looks (no checkpoint yet). */
  lookbackMs: number;
  /** Transactions read per page. */
  pageSize: number;
  /** How long one node holds the sweep (cluster: one sweeper at a time). */
  leaseMs: number;
}

/** Sessions checked, repaired and failed; tariffs pushed again; locations whose connectors' tariff_ids were derived again. */
export interface Totals {
  checked: number;
  repaired: number;
  failed: number;
  tariffs: number;
  tariffLocations: number;
}

/** A transaction whose repair failed, tried again on the next sweeps. */
interface Retry {
  stationId: string;
  transactionId: string;
  attempts: number;
}

/** Per tenant, in `store.ocpi` (kind 'meta'): every transaction written before `until` was looked at. */
interface Checkpoint {
  until: string;
  retries: Retry[];
}

const CHECKPOINT_ID = 'session-reconcile';
const LEASE_JOB = 'ocpi-reconcile';
/** A repair that failed this many sweeps in a row is given up, with an error line. */
const MAX_ATTEMPTS = 5;

/**
 * What the live paths missed, made after the fact. They run after the data's own commit: a
 * roaming transaction's events become its Session and CDR (subscribeOcpi, on the node holding the
 * station), a tariff change through the API becomes tariff pushes and connectors' tariff_ids
 * (TariffSender). A node that dies in between leaves a partner without a session end, a CDR
 * (money not billed) or a tariff. Every `everyMs` one node (a lease) goes over each tenant with
 * roaming partners:
 * - sessions: the transactions written since the tenant's checkpoint (older than `graceMs`,
 *   newest first); one with a partner's token whose session is missing, still ACTIVE after the
 *   transaction ended, or ended without a CDR goes through the live path again from the stored
 *   transaction (SessionService.onTransaction: the same session, cost and CDR). The checkpoint
 *   moves once the window was read; a repair that fails is tried again on the next sweeps, up to
 *   MAX_ATTEMPTS;
 * - tariffs: TariffSender.reconcile (a tariff whose push marker is behind it is pushed again, the
 *   connectors' tariff_ids are derived again when the assignments changed since they last were).
 */
export class OcpiReconciler {
  private readonly repairedTotal?: Counter;
  private readonly failedTotal?: Counter;

  constructor(
    private readonly deps: {
      store: OcpiStore;
      transactions: Pick<TransactionStore, 'listTransactions' | 'getTransaction'>;
      sessions: Pick<SessionService, 'onTransaction'>;
      tariffs?: Pick<TariffSender, 'reconcile'>;
      lease?: DeliveryLease;
      log: Pick<Logger, 'info' | 'warn' | 'error'>;
      settings: ReconcileSettings;
      registry?: Registry;
    },
  ) {
    if (deps.registry) {
      this.repairedTotal = new Counter({ name: 'ocpi_reconciled_total', help: 'What the OCPI reconciliation sweep made because a live path had missed it (kind: session, tariff, location_tariff_ids)', labelNames: ['kind'], registers: [deps.registry] });
      this.failedTotal = new Counter({ name: 'ocpi_reconcile_failures_total', help: 'Repairs of OCPI sessions and CDRs by the reconciliation sweep that failed (tried again on the next sweeps)', registers: [deps.registry] });
    }
  }

  /** One sweep over every tenant with roaming partners; undefined when another node holds the sweep. */
  async sweep(now = Date.now()): Promise<Totals | undefined> {
    const { lease, settings, store, tariffs } = this.deps;
    if (lease && !(await lease.take(LEASE_JOB, lease.nodeId, new Date(now).toISOString(), new Date(now + settings.leaseMs).toISOString()))) return undefined;
    const totals: Totals = { checked: 0, repaired: 0, failed: 0, tariffs: 0, tariffLocations: 0 };
    try {
      for (const tenantId of await store.tenantsWithDoc('partner')) {
        await this.sweepTenant(tenantId, now, totals);
        if (!tariffs) continue;
        const repaired = await tariffs.reconcile(tenantId, new Date(now - settings.graceMs).toISOString());
        totals.tariffs += repaired.tariffs;
        totals.tariffLocations += repaired.locations;
        if (repaired.tariffs > 0) this.repairedTotal?.inc({ kind: 'tariff' }, repaired.tariffs);
        if (repaired.locations > 0) this.repairedTotal?.inc({ kind: 'location_tariff_ids' }, repaired.locations);
      }
    } finally {
      if (lease) await lease.release(LEASE_JOB, lease.nodeId).catch(() => {});
    }
    if (totals.repaired + totals.failed + totals.tariffs + totals.tariffLocations > 0) this.deps.log.info(totals, 'OCPI reconciliation sweep');
    return totals;
  }

  private async sweepTenant(tenantId: string, now: number, totals: Totals): Promise<void> {
    const { store, transactions, settings } = this.deps;
    const to = new Date(now - settings.graceMs).toISOString();
    const mark = (await store.getDoc<Checkpoint>('meta', tenantId, CHECKPOINT_ID))?.body;
    const oldest = new Date(now - settings.lookbackMs).toISOString();
    const from = mark && mark.until > oldest ? mark.until : oldest;
    const retries: Retry[] = [];
    const attempt = async (tx: TransactionRecord, attempts: number) => {
      totals.checked++;
      try {
        if (!(await this.needsRepair(tenantId, tx))) return;
        if (!(await this.deps.sessions.onTransaction(tenantId, tx.stationId, transactionSummary(tx) as unknown as TransactionFacts))) return;
        totals.repaired++;
        this.repairedTotal?.inc({ kind: 'session' });
        this.deps.log.warn({ tenantId, stationId: tx.stationId, transactionId: tx.id, isActive: tx.isActive }, 'OCPI session or CDR the live path had missed: made by the reconciliation sweep');
      } catch (error) {
        totals.failed++;
        this.failedTotal?.inc();
        const retry = { stationId: tx.stationId, transactionId: tx.id, attempts: attempts + 1 };
        if (retry.attempts < MAX_ATTEMPTS) retries.push(retry);
        const line = { err: error, tenantId, stationId: tx.stationId, transactionId: tx.id, attempts: retry.attempts };
        if (retry.attempts < MAX_ATTEMPTS) this.deps.log.warn(line, 'OCPI session reconciliation failed for a transaction; tried again on the next sweep');
        else this.deps.log.error(line, 'OCPI session reconciliation gave up on a transaction');
      }
    };
    for (const retry of mark?.retries ?? []) {
      const tx = await transactions.getTransaction(tenantId, retry.transactionId, retry.stationId);
      if (tx) await attempt(tx, retry.attempts);
    }
    if (from < to) {
      let cursor: string | undefined;
      pages: for (;;) {
        const page = await transactions.listTransactions(tenantId, { limit: settings.pageSize, sort: '-updatedAt', ...(cursor ? { cursor } : {}) });
        for (const tx of page.items) {
          if (tx.updatedAt >= to) continue;
          if (tx.updatedAt < from) break pages;
          await attempt(tx, 0);
        }
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
    }
    const until = from < to ? to : from;
    await store.putDoc({ tenantId, kind: 'meta', id: CHECKPOINT_ID, scope: '', lookup: null, lastUpdated: new Date(now).toISOString(), body: { until, retries } satisfies Checkpoint });
  }

  /** A partner's token on the transaction, and its session missing, or its end or CDR not made. */
  private async needsRepair(tenantId: string, tx: TransactionRecord): Promise<boolean> {
    const { store } = this.deps;
    if (!tx.idToken || tx.evseId === null) return false;
    if (!(await store.getDoc('token', tenantId, tokenDocId(tx.idToken.idToken)))) return false;
    const session = await store.getDoc<{ status?: string }>('session', tenantId, tx.id);
    if (!session) return true;
    if (tx.isActive) return false;
    if (session.body.status !== 'COMPLETED') return true;
    return !(await store.getDoc('cdr', tenantId, tx.id));
  }
}
