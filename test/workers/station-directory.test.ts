import t from 'tap';
import { Kvm } from '@nats-io/kv';
import { connectNats } from '../../adapters/bus/nats-connect.js';
import { encodeToken } from '../../adapters/bus/nats-subjects.js';
import { DIRECTORY_BUCKET, DuplicateNodeError, LEASE_BUCKET, StationDirectory, type DirectoryOptions } from '../../workers/station-directory.js';
import { startNats } from '../helpers/nats-server.js';

// The cluster directory on a real nats-server: one lease per node, station entries written on
// connect and disconnect only, entries of dead node runs read as gone, displacement sent to the
// owning node, lookups cached until asked fresh, duplicate node ids refused.

const nats = await startNats(t);
const TTL = 3;
const quiet = { info() {}, warn() {}, error() {} };

async function open(nodeId: string, options: Partial<DirectoryOptions> = {}) {
  const nc = await connectNats(nats.url, nodeId);
  const errors: unknown[] = [];
  const dir = await StationDirectory.open(nc, { nodeId, ttlSec: TTL, log: quiet, onError: (e) => errors.push(e), ...options }).catch(async (error: unknown) => {
    await nc.close();
    throw error;
  });
  let closed = false;
  const close = async (release = false) => {
    if (closed) return;
    closed = true;
    await dir.close({ release });
  };
  t.teardown(async () => {
    await close();
    await nc.close();
  });
  return { nc, dir, errors, close };
}

const until = async <T>(check: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const rawEntry = async (nc: Awaited<ReturnType<typeof connectNats>>, stationId: string) => {
  const entry = await (await new Kvm(nc).open(DIRECTORY_BUCKET)).get(encodeToken(stationId));
  return entry && entry.operation === 'PUT' ? entry.json<Record<string, unknown>>() : undefined;
};

const entry = (connectedAt = new Date().toISOString()) => ({ tenantId: 'acme', version: 'ocpp1.6' as const, connectedAt });

t.test('a connect is one read and one write, a disconnect one delete; unsafe ids work; nothing is refreshed per station', async (t) => {
  const a = await open('a');
  const b = await open('b');
  a.dir.announce('CP.1*x', entry());
  await a.dir.settled();
  t.match(await b.dir.lookup('CP.1*x'), { nodeId: 'a', epoch: a.dir.epoch, tenantId: 'acme', version: 'ocpp1.6' }, 'visible from b, tagged with a\'s epoch');
  t.match(a.dir.counts, { get: 1, create: 1, update: 0, delete: 0 });
  const leaseBefore = a.dir.counts.leaseRefresh;
  await until(async () => a.dir.counts.leaseRefresh >= leaseBefore + 4, (TTL + 5) * 1000, 'more than one TTL of lease refreshes');
  t.match(a.dir.counts, { get: 1, create: 1, update: 0, delete: 0 }, 'the station entry was not rewritten while the lease was refreshed');
  t.ok(await b.dir.lookup('CP.1*x', { fresh: true }), 'and it is still there, alive through the lease');
  a.dir.withdraw('CP.1*x');
  await a.dir.settled();
  t.equal(a.dir.counts.delete, 1);
  t.equal(await b.dir.lookup('CP.1*x', { fresh: true }), undefined, 'gone after the disconnect');
  a.dir.announce('CP.1*x', entry());
  await a.dir.settled();
  t.match(a.dir.counts, { get: 2, create: 1, update: 1 }, 'a reconnect: read the delete marker, one compare-and-set over it');
  t.match(await b.dir.lookup('CP.1*x', { fresh: true }), { nodeId: 'a' });
  t.same(a.errors, []);
});

t.test('a station connecting to another node: the old node is told on its own subject, its stale withdraw keeps the new entry', async (t) => {
  const a = await open('disp-a');
  const b = await open('disp-b');
  const displaced: Array<[string, string]> = [];
  a.dir.listenForDisplacements((id, by) => displaced.push([id, by]));
  await a.nc.flush();
  a.dir.announce('CP-MOVE', entry('2026-01-01T00:00:00.000Z'));
  await a.dir.settled();
  await until(async () => b.dir.liveNodes().includes('disp-a'), 5000, 'b sees a\'s lease');
  b.dir.announce('CP-MOVE', entry('2026-01-01T00:00:01.000Z'));
  await b.dir.settled();
  await until(async () => displaced.length > 0, 5000, 'displacement notice');
  t.same(displaced, [['CP-MOVE', 'disp-b']]);
  t.match(b.dir.counts, { create: 0, get: 1, update: 1, displaceSent: 1 }, 'read, compare-and-set over the old entry, then the notice');
  t.equal(a.dir.counts.displaceReceived, 1);
  a.dir.withdraw('CP-MOVE'); // a no-op: a dropped the station when displaced
  await a.dir.settled();
  t.match(await a.dir.lookup('CP-MOVE', { fresh: true }), { nodeId: 'disp-b' }, 'the newer entry stays');
  // The same through a stale withdraw racing: a station a still believes it holds.
  a.dir.announce('CP-RACE', entry('2026-01-01T00:00:00.000Z'));
  await a.dir.settled();
  b.dir.announce('CP-RACE', entry('2026-01-01T00:00:05.000Z'));
  await b.dir.settled();
  const c = await open('disp-c');
  t.match(await c.dir.lookup('CP-RACE'), { nodeId: 'disp-b' });
});

t.test('a node that stops refreshing its lease: its entries read as gone, without anyone rewriting them', async (t) => {
  const a = await open('dead-a');
  const b = await open('dead-b');
  a.dir.announce('CP-DEAD', entry());
  await a.dir.settled();
  await until(async () => b.dir.lookup('CP-DEAD', { fresh: true }), 5000, 'visible from b');
  await a.close(); // like kill -9: no more lease refreshes, no release
  const gone = await until(async () => (await b.dir.lookup('CP-DEAD', { fresh: true })) === undefined, (TTL + 5) * 1000, 'read as gone');
  t.ok(gone);
  t.notOk(b.dir.liveNodes().includes('dead-a'));
  t.match(await rawEntry(b.nc, 'CP-DEAD'), { nodeId: 'dead-a' }, 'the entry itself was never rewritten or deleted');
  // A station taking over an entry of a dead node sends no displacement to it.
  b.dir.announce('CP-DEAD', entry());
  await b.dir.settled();
  t.match(b.dir.counts, { update: 1, displaceSent: 0 });
});

t.test('a graceful stop releases the lease: the node\'s entries are gone at once', async (t) => {
  const a = await open('bye-a');
  const b = await open('bye-b');
  a.dir.announce('CP-BYE', entry());
  await a.dir.settled();
  await until(async () => b.dir.liveNodes().includes('bye-a'), 5000, 'b sees a');
  await a.close(true);
  await until(async () => !b.dir.liveNodes().includes('bye-a'), 5000, 'lease deleted');
  t.equal(await b.dir.lookup('CP-BYE', { fresh: true }), undefined);
  const lease = await (await new Kvm(b.nc).open(LEASE_BUCKET)).get('bye-a');
  t.ok(!lease || lease.operation !== 'PUT', 'no lease left for bye-a');
});

t.test('lookups are cached until asked fresh', async (t) => {
  const a = await open('cache-a');
  const b = await open('cache-b', { cacheMs: 600_000 });
  const c = await open('cache-c');
  await until(async () => b.dir.liveNodes().includes('cache-a') && b.dir.liveNodes().includes('cache-c'), 5000, 'leases seen');
  a.dir.announce('CP-CACHE', entry('2026-01-01T00:00:00.000Z'));
  await a.dir.settled();
  t.match(await b.dir.lookup('CP-CACHE'), { nodeId: 'cache-a' });
  c.dir.announce('CP-CACHE', entry('2026-01-01T00:00:09.000Z'));
  await c.dir.settled();
  const gets = b.dir.counts.get;
  t.match(await b.dir.lookup('CP-CACHE'), { nodeId: 'cache-a' }, 'cached: the old node');
  t.equal(b.dir.counts.get, gets, 'no KV read for a cached lookup');
  t.match(await b.dir.lookup('CP-CACHE', { fresh: true }), { nodeId: 'cache-c' }, 'fresh: the new node');
  b.dir.invalidate('CP-CACHE');
  t.match(await b.dir.lookup('CP-CACHE'), { nodeId: 'cache-c' });
});

t.test('two nodes with the same id: the second is refused; a dead run\'s lease is waited out', async (t) => {
  const first = await open('twin');
  await t.rejects(open('twin'), DuplicateNodeError, 'a running node refreshes the lease: refused');
  first.dir.announce('CP-TWIN', entry());
  await first.dir.settled();
  await first.close(); // dies without releasing
  const second = await open('twin');
  t.not(second.dir.epoch, first.dir.epoch, 'a new run, a new epoch');
  const other = await open('twin-watcher');
  t.equal(await other.dir.lookup('CP-TWIN', { fresh: true }), undefined, 'entries of the previous run are gone, though the node id is alive again');
});

t.test('connects and disconnects while NATS is away are written once it is back, without a reconnect hook', async (t) => {
  const a = await open('away-a');
  const b = await open('away-b');
  a.dir.announce('CP-LEAVING', entry());
  await a.dir.settled();
  await nats.stop();
  a.dir.announce('CP-AWAY', entry());
  a.dir.withdraw('CP-LEAVING');
  await a.dir.settled(); // both failed (timeouts or closed connection)
  await nats.restart();
  await until(async () => (await b.dir.lookup('CP-AWAY', { fresh: true }).catch(() => undefined)) !== undefined, 20_000, 'the connect written');
  await until(async () => (await b.dir.lookup('CP-LEAVING', { fresh: true }).catch(() => 'error')) === undefined, 20_000, 'the disconnect written');
  t.match(await b.dir.lookup('CP-AWAY'), { nodeId: 'away-a', epoch: a.dir.epoch });
  t.equal(await rawEntry(b.nc, 'CP-LEAVING'), undefined, 'the entry itself deleted, not only read as gone');
});

t.test('a NATS server that lost its storage: buckets recreated, lease taken again, entries re-announced', async (t) => {
  const a = await open('wipe-a');
  a.dir.announce('CP-WIPE', entry());
  await a.dir.settled();
  await nats.restart({ wipe: true });
  await until(async () => {
    await a.dir.recover().catch(() => {});
    await a.dir.settled();
    return (await a.dir.lookup('CP-WIPE', { fresh: true }).catch(() => undefined)) !== undefined;
  }, 15_000, 're-announced after the wipe');
  const b = await open('wipe-b');
  t.match(await b.dir.lookup('CP-WIPE'), { nodeId: 'wipe-a', epoch: a.dir.epoch }, 'visible to other nodes, same epoch');
});
