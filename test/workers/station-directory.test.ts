import t from 'tap';
import { connectNats } from '../../adapters/bus/nats-connect.js';
import { StationDirectory } from '../../workers/station-directory.js';
import { startNats } from '../helpers/nats-server.js';

const nats = await startNats(t);
const TTL = 3;

async function open(nodeId: string, errors: unknown[] = []) {
  const nc = await connectNats(nats.url, nodeId);
  const dir = await StationDirectory.open(nc, nodeId, TTL, (e) => errors.push(e));
  t.teardown(async () => {
    dir.close();
    await nc.close();
  });
  return { nc, dir };
}

const until = async (check: () => Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

t.test('announce, lookup, withdraw only our own entry; unsafe ids work', async (t) => {
  const a = await open('a');
  const b = await open('b');
  const entry = { tenantId: 'acme', version: 'ocpp1.6' as const, connectedAt: new Date().toISOString() };
  a.dir.announce('CP.1*x', entry);
  await until(async () => (await b.dir.lookup('CP.1*x')) !== undefined, 5000, 'visible from b');
  t.same(await b.dir.lookup('CP.1*x'), { ...entry, nodeId: 'a' });
  b.dir.announce('CP.1*x', { ...entry, connectedAt: new Date(Date.now() + 1).toISOString() });
  await until(async () => (await a.dir.lookup('CP.1*x'))?.nodeId === 'b', 5000, 'b took over');
  a.dir.withdraw('CP.1*x'); // a's stale disconnect must not remove b's entry
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await a.dir.lookup('CP.1*x'))?.nodeId, 'b', 'withdraw of a stale connection leaves the newer entry');
  b.dir.withdraw('CP.1*x');
  await until(async () => (await a.dir.lookup('CP.1*x')) === undefined, 5000, 'withdrawn');
  t.pass('the holder withdraws its own entry');
});

t.test('entries are refreshed while the node lives and expire after the TTL when it stops', async (t) => {
  const a = await open('ttl-a');
  const b = await open('ttl-b');
  a.dir.announce('CP-TTL', { tenantId: 'acme', version: 'ocpp2.0.1', connectedAt: new Date().toISOString() });
  await new Promise((r) => setTimeout(r, (TTL + 2) * 1000));
  t.ok(await b.dir.lookup('CP-TTL'), 'still there after more than one TTL: refreshed');
  a.dir.close(); // like a dead node: no more refreshes
  const stopped = Date.now();
  await until(async () => (await b.dir.lookup('CP-TTL')) === undefined, (TTL + 5) * 1000, 'expired');
  t.ok(Date.now() - stopped <= (TTL + 5) * 1000, `gone ${Date.now() - stopped} ms after the last refresh`);
});

t.test('a NATS server that lost its storage: the bucket is recreated and entries re-announced', async (t) => {
  const a = await open('wipe-a');
  a.dir.announce('CP-WIPE', { tenantId: 'acme', version: 'ocpp1.6', connectedAt: new Date().toISOString() });
  await until(async () => (await a.dir.lookup('CP-WIPE')) !== undefined, 5000, 'announced');
  await nats.restart({ wipe: true });
  await until(async () => {
    await a.dir.recover(a.nc, TTL).catch(() => {});
    return (await a.dir.lookup('CP-WIPE').catch(() => undefined)) !== undefined;
  }, 15_000, 're-announced after the wipe');
  t.pass('entry back after the server lost its storage');
});
