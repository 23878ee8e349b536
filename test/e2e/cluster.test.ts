import t from 'tap';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { bootPayload, connectStrict, nextClose, type StrictClient, type Version } from '../helpers/ocpp-clients.js';
import { clusterMissing, startCluster } from '../helpers/cluster.js';
import { eventually, metricValue, type TestServer } from '../helpers/server.js';

// Three Switchyard processes, one nats-server, one PostgreSQL database, all started here: the
// cluster is one system from any node (registration, tokens, API keys, listings, transaction ids,
// remote-start correlation), commands follow a station from node to node, and a node killed
// with SIGKILL leaves a directory that converges. Needs dist/ built (npm test does it).

const missing = clusterMissing();
if (missing) {
  t.comment(`three-node cluster: SKIPPED, ${missing}`);
  t.test('three nodes, one NATS, one PostgreSQL', { skip: missing }, async () => {});
} else {
  await run();
}

type TT = Parameters<Parameters<typeof t.test>[1]>[0];

async function run(): Promise<void> {
  const TTL_SEC = 3;
  // Started at once: all three migrate the empty database and take their leases together.
  const { nodes, nats } = await startCluster(t, ['node-a', 'node-b', 'node-c'], { CSMS_REGISTRY_TTL: String(TTL_SEC), CSMS_CALL_TIMEOUT: '3' });
  const [A, B, C] = nodes as [TestServer, TestServer, TestServer];
  const watcher = await connect({ servers: nats.url });
  t.teardown(() => watcher.close());

  async function station(tt: TT, node: TestServer, id: string, password: string, version: Version = 'ocpp1.6'): Promise<{ client: StrictClient; resets: unknown[] }> {
    const client = await connectStrict(tt, { endpoint: node.ocppUrl, identity: id, password, version });
    const resets: unknown[] = [];
    client.handle('Reset', async ({ params }: { params: unknown }) => {
      resets.push(params);
      return { status: 'Accepted' };
    });
    tt.match(await client.call('BootNotification', bootPayload(version)), { status: 'Accepted' }, `${id} booted on ${node === A ? 'A' : node === B ? 'B' : 'C'}`);
    return { client, resets };
  }

  const post = (node: TestServer, path: string, body: unknown) => node.apiJson('POST', path, body);

  t.test('registered on A, connected to B, token created on C, API key from A used on C, listed from every node', async (t) => {
    await A.registerStation('CL-16', 'cluster-station-pw-1');
    t.equal((await post(C, '/tokens', { idToken: 'CL-TOKEN' })).status, 201);
    const key = await post(A, '/admin/api-keys', { role: 'tenant', tenantId: 'default', name: 'made on A' });
    t.equal(key.status, 201);
    const withKey = await fetch(`${C.apiUrl}/stations`, { headers: { authorization: `Bearer ${key.body.key}` } });
    t.equal(withKey.status, 200, 'an API key created on A works on C');

    const s = await station(t, B, 'CL-16', 'cluster-station-pw-1');
    t.match(await s.client.call('Authorize', { idTag: 'CL-TOKEN' }), { idTagInfo: { status: 'Accepted' } }, 'the token created on C authorizes on B');
    t.match(await s.client.call('Authorize', { idTag: 'NOT-A-TOKEN' }), { idTagInfo: { status: 'Invalid' } });
    for (const [name, node] of [['A', A], ['B', B], ['C', C]] as const) {
      const listed = await eventually(async () => {
        const list = await node.apiJson('GET', '/stations');
        const item = list.body.items.find((x: { id: string }) => x.id === 'CL-16');
        return item?.connected ? item : undefined;
      }, 10_000, `listed as connected from ${name}`);
      t.match(listed, { id: 'CL-16', connected: true, protocol: 'ocpp1.6', connectedAt: String }, `listed from ${name}, connected`);
      const one = await eventually(async () => {
        const r = await node.apiJson('GET', '/stations/CL-16');
        return r.body.connected ? r.body : undefined;
      }, 10_000, `connected, seen from ${name}`);
      t.match(one, { id: 'CL-16', vendor: 'ACME', connected: true, protocol: 'ocpp1.6' });
    }
    await s.client.close();
  });

  t.test('1.6 transaction ids are unique across nodes', async (t) => {
    await B.registerStation('CL-TX-B', 'cluster-station-pw-2');
    await C.registerStation('CL-TX-C', 'cluster-station-pw-3');
    const onB = await station(t, B, 'CL-TX-B', 'cluster-station-pw-2');
    const onC = await station(t, C, 'CL-TX-C', 'cluster-station-pw-3');
    const starts = (s: StrictClient, connectors: number[]) =>
      Promise.all(connectors.map((connectorId) => s.call('StartTransaction', { connectorId, idTag: 'CL-TOKEN', meterStart: 0, timestamp: new Date().toISOString() }) as Promise<{ transactionId: number }>));
    const [b, c] = await Promise.all([starts(onB.client, [1, 2, 3, 4]), starts(onC.client, [1, 2, 3, 4])]);
    const ids = [...b, ...c].map((r) => r.transactionId);
    t.equal(new Set(ids).size, 8, `eight different ids from two nodes at once: ${ids.join(', ')}`);
    const listed = await A.apiJson('GET', '/transactions?limit=50');
    for (const id of ids) t.ok(listed.body.items.some((x: { id: string }) => x.id === String(id)), `transaction ${id} listed on A`);
    await onB.client.close();
    await onC.client.close();
  });

  t.test('remote start through A for a station on B: correlated with its StartTransaction', async (t) => {
    await C.registerStation('CL-REMOTE', 'cluster-station-pw-4');
    const s = await station(t, B, 'CL-REMOTE', 'cluster-station-pw-4');
    const started = new Promise<number>((resolve) => {
      s.client.handle('RemoteStartTransaction', async ({ params }: { params: { idTag: string; connectorId?: number } }) => {
        setImmediate(async () => {
          const r = (await s.client.call('StartTransaction', { connectorId: params.connectorId ?? 1, idTag: params.idTag, meterStart: 10, timestamp: new Date().toISOString() })) as { transactionId: number };
          resolve(r.transactionId);
        });
        return { status: 'Accepted' };
      });
    });
    const start = await eventually(async () => {
      const r = await post(A, '/stations/CL-REMOTE/transactions/start', { idToken: 'CL-TOKEN' });
      return r.status === 200 ? r : undefined;
    }, 10_000, 'remote start through A');
    t.match(start.body, { status: 'Accepted', remoteStartId: Number });
    const transactionId = await started;
    const tx = await eventually(async () => (await C.apiJson('GET', `/transactions?remoteStartId=${start.body.remoteStartId}`)).body.items[0], 10_000, 'correlated transaction');
    t.match(tx, { id: String(transactionId), stationId: 'CL-REMOTE', remoteStartId: start.body.remoteStartId, isActive: true }, 'recorded on B, found from C');
    await s.client.close();
  });

  t.test('a command reaches the station after it moves from B to C', async (t) => {
    await A.registerStation('CL-MOVE', 'cluster-station-pw-5');
    const first = await station(t, B, 'CL-MOVE', 'cluster-station-pw-5', 'ocpp2.0.1');
    const viaA = await eventually(async () => {
      const r = await post(A, '/stations/CL-MOVE/reset', { type: 'Soft' });
      return r.status === 200 ? r : undefined;
    }, 10_000, 'reset through A to B');
    t.same(viaA.body.result, { status: 'Accepted' });
    t.same(first.resets, [{ type: 'OnIdle' }]);
    // It reconnects to C while its socket on B is still open: C takes the entry and tells B.
    const closed = nextClose(first.client);
    const second = await station(t, C, 'CL-MOVE', 'cluster-station-pw-5', 'ocpp2.0.1');
    t.equal((await closed).code, 4000, 'B closed its stale connection when told by C');
    // A may still have B in its cache: B answers "not here", A looks again and follows to C.
    const followed = await post(A, '/stations/CL-MOVE/reset', { type: 'Immediate' });
    t.equal(followed.status, 200, `reset through A after the move: ${JSON.stringify(followed.body)}`);
    t.same(second.resets, [{ type: 'Immediate' }], 'reached the new connection on C');
    t.same(first.resets, [{ type: 'OnIdle' }], 'and not the old one');
    t.comment(`A's log: ${A.output().stdout.includes('directory entry was stale') ? 'its cached entry named B, B said "not here", A looked again' : 'its lookup already named C'}`);
    await second.client.close();
    const gone = await eventually(async () => {
      const r = await post(A, '/stations/CL-MOVE/reset', { type: 'Soft' });
      return r.status === 409 ? r : undefined;
    }, 10_000, 'not connected anywhere');
    t.equal(gone.body.code, 'STATION_NOT_CONNECTED');
  });

  t.test('kill -9 of a node: commands fail cleanly, then follow the station; the directory converges', async (t) => {
    await A.registerStation('CL-KILL', 'cluster-station-pw-6');
    await A.registerStation('CL-STRANDED', 'cluster-station-pw-7');
    const moving = await station(t, C, 'CL-KILL', 'cluster-station-pw-6', 'ocpp2.0.1');
    await station(t, C, 'CL-STRANDED', 'cluster-station-pw-7', 'ocpp2.0.1');
    await eventually(async () => (await post(A, '/stations/CL-KILL/reset', { type: 'Soft' })).status === 200, 10_000, 'CL-KILL reachable through A');
    await eventually(async () => (await post(A, '/stations/CL-STRANDED/reset', { type: 'Soft' })).status === 200, 10_000, 'CL-STRANDED reachable through A');
    t.equal(metricValue(await A.metrics(), 'csms_directory_live_nodes'), 3);

    const closed = nextClose(moving.client);
    await C.stop('SIGKILL');
    await closed;
    const early = await post(A, '/stations/CL-STRANDED/reset', { type: 'Soft' });
    t.ok([503, 409].includes(early.status), `right after the kill: ${early.status} ${early.body.code}, an answer, not a hang`);
    t.ok(['STATION_NODE_UNAVAILABLE', 'STATION_NOT_CONNECTED'].includes(early.body.code));

    // The station reconnects, as stations do, to a node that is up.
    const back = await station(t, B, 'CL-KILL', 'cluster-station-pw-6', 'ocpp2.0.1');
    const followed = await post(A, '/stations/CL-KILL/reset', { type: 'Soft' });
    t.equal(followed.status, 200, `the command follows the station to B: ${JSON.stringify(followed.body)}`);
    t.same(back.resets, [{ type: 'OnIdle' }]);

    const leases = await new Kvm(watcher).open('csms_nodes');
    await eventually(async () => {
      const lease = await leases.get('node-c');
      return !lease || lease.operation !== 'PUT';
    }, (TTL_SEC + 10) * 1000, 'the lease of node-c expired');
    await eventually(async () => metricValue(await A.metrics(), 'csms_directory_live_nodes') === 2, 10_000, 'A counts two live nodes');
    const stranded = await post(A, '/stations/CL-STRANDED/reset', { type: 'Soft' });
    t.equal(stranded.status, 409, 'the station still on the dead node is not connected anywhere');
    t.equal(stranded.body.code, 'STATION_NOT_CONNECTED');
    t.match(await B.apiJson('GET', '/stations/CL-STRANDED'), { status: 200, body: { connected: false } }, 'and B agrees');
    const directory = await new Kvm(watcher).open('csms_directory');
    t.match((await directory.get('CL-STRANDED'))?.json(), { nodeId: 'node-c' }, 'its entry was never rewritten: the expired lease makes it gone');
    await back.client.close();
  });
}
