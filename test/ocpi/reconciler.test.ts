import t from 'tap';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { stopEvent16 } from '../../core/transaction-mapping-16.js';
import type { OcpiDoc } from '../../core/ports/store/ocpi-store.js';
import type { TransactionFacts } from '../../ocpi/sessions.js';
import { OcpiReconciler, type ReconcileSettings } from '../../ocpi/reconciler.js';
import type { DeliveryLease } from '../../ocpi/delivery.js';

// The sweep that makes the sessions and CDRs the live path missed (a node dying after the
// transaction committed and before OCPI stored the session or its CDR). A real SQLite store holds
// the transactions and OCPI documents; the session service is a recorder.

const SETTINGS: ReconcileSettings = { graceMs: 60_000, lookbackMs: 24 * 3_600_000, pageSize: 2, leaseMs: 60_000 };
const silent = { info() {}, warn() {}, error() {} };

async function fixture(t: Parameters<Parameters<typeof t.test>[1]>[0], options: { fail?: (tx: TransactionFacts) => boolean; lease?: DeliveryLease } = {}) {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const doc = (kind: OcpiDoc['kind'], id: string, body: unknown, tenantId = 't1'): OcpiDoc => ({ tenantId, kind, id, scope: 'P1', lookup: null, lastUpdated: new Date().toISOString(), body });
  await store.ocpi.putDoc(doc('partner', 'P1', { name: 'eMSP' }));
  await store.ocpi.putDoc(doc('token', 'ROAM-1', { partnerId: 'P1' }));
  const calls: TransactionFacts[] = [];
  const sessions = {
    async onTransaction(tenantId: string, stationId: string, tx: TransactionFacts) {
      calls.push(tx);
      if (options.fail?.(tx)) throw new Error('store unavailable');
      // What the live path stores: the session (ACTIVE or COMPLETED) and, at the end, the CDR.
      await store.ocpi.putDoc(doc('session', tx.transactionId, { status: tx.isActive ? 'ACTIVE' : 'COMPLETED', stationId }, tenantId));
      if (!tx.isActive) await store.ocpi.putDoc(doc('cdr', tx.transactionId, { id: tx.transactionId }, tenantId));
      return true;
    },
  };
  const reconciler = new OcpiReconciler({ store: store.ocpi, transactions: store.transactions, sessions, log: silent, settings: SETTINGS, ...(options.lease ? { lease: options.lease } : {}) });
  let connector = 0;
  const start = async (idTag: string, tenantId = 't1') =>
    String((await store.transactions.startTransaction16(tenantId, 'CS1', { connectorId: ++connector, idTag, meterStart: 0, timestamp: new Date().toISOString() })).transaction.ocppTransactionId);
  const stop = (id: string, tenantId = 't1') =>
    store.transactions.applyTransactionEvent(tenantId, 'CS1', stopEvent16({ transactionId: Number(id), meterStop: 4200, timestamp: new Date().toISOString(), reason: 'Local' }));
  return { store, reconciler, calls, start, stop, doc };
}

/** A sweep as it would run `ms` from now: writes newer than the grace are not looked at yet. */
const later = (ms: number) => Date.now() + ms;

t.test('an ended roaming transaction without its session or CDR is made; one the live path finished is left alone', async (t) => {
  const { store, reconciler, calls, start, stop, doc } = await fixture(t);
  const missed = await start('roam-1'); // the token doc id is the uid upper-cased: matched case-insensitively
  await stop(missed);
  const done = await start('ROAM-1');
  await stop(done);
  await store.ocpi.putDoc(doc('session', done, { status: 'COMPLETED' }));
  await store.ocpi.putDoc(doc('cdr', done, { id: done }));
  const local = await start('LOCAL-CARD'); // not a partner's token
  await stop(local);

  t.match(await reconciler.sweep(Date.now()), { checked: 0, repaired: 0, failed: 0 }, 'inside the grace: the live path may still be at work');
  t.same(calls, []);
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 1000)), { checked: 3, repaired: 1, failed: 0 });
  t.equal(calls.length, 1);
  t.match(calls[0], { transactionId: missed, isActive: false, idToken: { idToken: 'roam-1' }, totalKwh: 4.2, evseId: 1, endedAt: String }, 'the stored transaction, as the live path gets it');
  t.match((await store.ocpi.getDoc('session', 't1', missed))?.body, { status: 'COMPLETED' });
  t.ok(await store.ocpi.getDoc('cdr', 't1', missed), 'its CDR');
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 2000)), { checked: 0, repaired: 0, failed: 0 }, 'the checkpoint moved: nothing read twice');
});

t.test('a session left ACTIVE after its transaction ended, or COMPLETED without a CDR, is finished', async (t) => {
  const { store, reconciler, calls, start, stop, doc } = await fixture(t);
  const active = await start('ROAM-1');
  await stop(active);
  await store.ocpi.putDoc(doc('session', active, { status: 'ACTIVE' }));
  const noCdr = await start('ROAM-1');
  await stop(noCdr);
  await store.ocpi.putDoc(doc('session', noCdr, { status: 'COMPLETED' }));
  const running = await start('ROAM-1');
  await store.ocpi.putDoc(doc('session', running, { status: 'ACTIVE' }));
  const runningWithout = await start('ROAM-1');

  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 1000)), { checked: 4, repaired: 3 });
  t.same(calls.map((c) => c.transactionId).sort(), [active, noCdr, runningWithout].sort(), 'a running transaction with its session is left to the live path');
  t.match(calls.find((c) => c.transactionId === runningWithout), { isActive: true, endedAt: null }, 'a running one without a session gets its ACTIVE session');
  t.ok(await store.ocpi.getDoc('cdr', 't1', active));
  t.ok(await store.ocpi.getDoc('cdr', 't1', noCdr));
});

t.test('a failed repair is tried again on the next sweeps, then given up', async (t) => {
  let failures = 1;
  const { reconciler, calls, start, stop } = await fixture(t, { fail: () => failures-- > 0 });
  const id = await start('ROAM-1');
  await stop(id);
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 1000)), { repaired: 0, failed: 1 });
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 2000)), { repaired: 1, failed: 0 }, 'the checkpoint moved on, the failed one was kept');
  t.same(calls.map((c) => c.transactionId), [id, id]);
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 3000)), { checked: 0 }, 'done: not tried again');

  const gaveUp = await fixture(t, { fail: () => true });
  const stuck = await gaveUp.start('ROAM-1');
  await gaveUp.stop(stuck);
  for (let i = 1; i <= 7; i++) await gaveUp.reconciler.sweep(later(SETTINGS.graceMs + i * 1000));
  t.equal(gaveUp.calls.length, 5, 'five attempts, then an error line and no more');
});

t.test('the first sweep of a tenant reads back as far as the lookback; tenants without partners are not read', async (t) => {
  const { store, reconciler, calls, start, stop } = await fixture(t);
  const id = await start('ROAM-1');
  await stop(id);
  const other = await start('ROAM-1', 't2'); // t2 has the token's transaction but no partner
  await stop(other, 't2');
  t.match(await reconciler.sweep(later(SETTINGS.lookbackMs + 60_000)), { checked: 0 }, 'older than the lookback: not read');
  const fresh = new OcpiReconciler({ store: store.ocpi, transactions: store.transactions, sessions: { onTransaction: async (_t, _s, tx) => (calls.push(tx), true) }, log: silent, settings: SETTINGS });
  await store.ocpi.deleteDoc('meta', 't1', 'session-reconcile');
  t.match(await fresh.sweep(later(SETTINGS.lookbackMs - 60_000)), { checked: 1, repaired: 1 }, 'inside it: read');
  t.same(calls.map((c) => c.transactionId), [id]);
});

t.test('in a cluster one node sweeps at a time (a lease)', async (t) => {
  const held = new Set<string>();
  const taken: string[] = [];
  const lease = (nodeId: string): DeliveryLease => ({
    nodeId,
    async take(job) {
      if (held.has(job)) return false;
      held.add(job);
      taken.push(`${nodeId}:${job}`);
      return true;
    },
    async release(job) {
      held.delete(job);
    },
  });
  const { reconciler, start, stop } = await fixture(t, { lease: lease('n1') });
  const id = await start('ROAM-1');
  await stop(id);
  held.add('ocpi-reconcile');
  t.equal(await reconciler.sweep(later(SETTINGS.graceMs + 1000)), undefined, 'another node holds it: nothing done');
  held.clear();
  t.match(await reconciler.sweep(later(SETTINGS.graceMs + 1000)), { repaired: 1 });
  t.same(taken, ['n1:ocpi-reconcile']);
  t.equal(held.size, 0, 'released after the sweep');
});
