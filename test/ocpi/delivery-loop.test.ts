import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { OcpiDeliveryLoop } from '../../ocpi/delivery.js';
import type { OcpiConfig } from '../../ocpi/config.js';
import type { RoamingService } from '../../ocpi/roaming-service.js';
import type { NewOcpiDelivery, OcpiDelivery, OcpiStore } from '../../core/ports/store/ocpi-store.js';

// The delivery loop against a queue whose seqs do not commit in order: in a cluster, node A may
// enqueue seq 10 and commit it after node B's seq 11 was committed and sent. The late one must
// still be sent (it once made a partner's queue stop for ever: `done` compared seq <= newest sent).

/** A partner that answers every request with OCPI success and remembers the paths. */
async function partner(t: Tap.Test): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status_code: 1000, timestamp: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/emsp/locations`, paths };
}

/** The slice of OcpiStore the loop uses: a queue where a delivery becomes visible when the test says. */
class LateCommitQueue {
  private readonly rows: Array<OcpiDelivery & { visible: boolean }> = [];
  constructor(private readonly partnerUrl: string) {}

  add(seq: number, visible: boolean): void {
    const at = new Date(0).toISOString();
    const d: NewOcpiDelivery = { tenantId: 't1', partnerId: 'p1', module: 'locations', method: 'PATCH', path: `/NL/SWY/L${seq}`, body: { status: 'AVAILABLE' }, objectKey: `location:L${seq}`, createdAt: at };
    this.rows.push({ ...d, seq, attempts: 0, nextAt: at, lastError: null, visible });
  }

  commit(seq: number): void {
    this.rows.find((r) => r.seq === seq)!.visible = true;
  }

  store(): OcpiStore {
    const rows = this.rows;
    const url = this.partnerUrl;
    const partial: Partial<OcpiStore> = {
      async deliveryHeads() {
        const visible = rows.filter((r) => r.visible).sort((a, b) => a.seq - b.seq);
        return visible.length > 0 ? [visible[0]!] : [];
      },
      async completeDelivery(seq) {
        rows.splice(rows.findIndex((r) => r.seq === seq), 1);
      },
      async postponeDelivery() {},
      async countDeliveries() {
        return new Map([['t1|p1', rows.length]]);
      },
      getDoc: (async () => ({
        tenantId: 't1', kind: 'partner', id: 'p1', scope: '', lookup: null, lastUpdated: new Date().toISOString(),
        body: { tenantId: 't1', id: 'p1', name: 'p', status: 'registered', roles: [], versionsUrl: null, theirToken: 'tok', ourTokenIssuedAt: '', createdAt: '', updatedAt: '', endpoints: [{ identifier: 'locations', role: 'RECEIVER', url }] },
      })) as OcpiStore['getDoc'],
    };
    return partial as OcpiStore;
  }
}

const config = { timeoutMs: 2000, retryBaseMs: 50, retryMaxMs: 100, tickMs: 10, leaseMs: 5000 } as OcpiConfig;
const quiet = { info() {}, warn() {} };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

t.test('a delivery committed after a later seq was sent is still sent', async (t) => {
  const emsp = await partner(t);
  const queue = new LateCommitQueue(emsp.url);
  queue.add(10, false); // enqueued first by another node, not yet committed
  queue.add(11, true);
  const loop = new OcpiDeliveryLoop(queue.store(), {} as RoamingService, config, quiet);
  loop.start();
  t.teardown(() => loop.stop());
  await until(() => emsp.paths.length === 1, 'seq 11 sent');
  queue.commit(10);
  queue.add(12, true);
  await until(() => emsp.paths.length === 3, 'the late seq 10 and then 12 sent');
  t.same(emsp.paths, ['/emsp/locations/NL/SWY/L11', '/emsp/locations/NL/SWY/L10', '/emsp/locations/NL/SWY/L12']);
});

t.test('a head read before its completion committed is not sent twice', async (t) => {
  const emsp = await partner(t);
  const queue = new LateCommitQueue(emsp.url);
  const store = queue.store();
  // Reads lag: each answers what the queue held one read earlier (a snapshot taken before the completion).
  let previous: OcpiDelivery[] | undefined;
  const heads = store.deliveryHeads.bind(store);
  store.deliveryHeads = async (limit) => {
    const now = await heads(limit);
    const stale = previous ?? now;
    previous = now;
    return stale;
  };
  for (const seq of [1, 2, 3]) queue.add(seq, true);
  const loop = new OcpiDeliveryLoop(store, {} as RoamingService, config, quiet);
  loop.start();
  t.teardown(() => loop.stop());
  await until(() => emsp.paths.length >= 3, 'three sent');
  await new Promise((r) => setTimeout(r, 200));
  t.same(emsp.paths, ['/emsp/locations/NL/SWY/L1', '/emsp/locations/NL/SWY/L2', '/emsp/locations/NL/SWY/L3'], 'each once, in order');
});
