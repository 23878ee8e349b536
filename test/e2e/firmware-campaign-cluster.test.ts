import t from 'tap';
import { bootPayload, connectStrict, type Version } from '../helpers/ocpp-clients.js';
import { clusterMissing, startCluster } from '../helpers/cluster.js';
import { eventually, type TestServer } from '../helpers/server.js';

// A firmware campaign in a two-node cluster (one PostgreSQL, one NATS): both nodes run a campaign
// driver, the campaign's lease lets exactly one of them drive it, and stations connected to the
// other node are reached through the station-commands service over NATS. Each station is sent the
// update exactly once. Needs dist/ built.

const missing = clusterMissing();
if (missing) {
  t.comment(`campaign cluster: SKIPPED, ${missing}`);
  t.test('firmware campaign on two nodes', { skip: missing }, async () => {});
} else {
  t.test('firmware campaign on two nodes: one driver, stations on both', async (t) => {
    const { nodes } = await startCluster(t, ['fw-node-a', 'fw-node-b'], { CSMS_CAMPAIGN_TICK_MS: '50' });
    const [A, B] = nodes as [TestServer, TestServer];
    const sent = new Map<string, number>();
    const ids = ['FWX-A1', 'FWX-A2', 'FWX-A3', 'FWX-B1', 'FWX-B2', 'FWX-B3'];
    for (const [i, id] of ids.entries()) {
      const node = id.startsWith('FWX-A') ? A : B;
      await A.registerStation(id, 'cluster-fw-pw-0001');
      const version: Version = i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1';
      const client = await connectStrict(t, { endpoint: node.ocppUrl, identity: id, password: 'cluster-fw-pw-0001', version });
      client.handle('UpdateFirmware', async ({ params }) => {
        sent.set(id, (sent.get(id) ?? 0) + 1);
        const requestId = (params as Record<string, any>).requestId as number | undefined;
        setImmediate(async () => {
          for (const status of ['Downloading', 'Installing', 'Installed']) {
            await client.call('FirmwareStatusNotification', version === 'ocpp1.6' ? { status } : { status, requestId }).catch(() => {});
          }
        });
        return version === 'ocpp1.6' ? {} : { status: 'Accepted' };
      });
      await client.call('BootNotification', bootPayload(version));
    }
    // Both nodes must see every station before the campaign starts (directory entries).
    for (const id of ids) {
      await eventually(async () => ((await A.apiJson('GET', `/stations/${id}`)).body.connected ? true : undefined), 10_000, `${id} seen from A`);
      await eventually(async () => ((await B.apiJson('GET', `/stations/${id}`)).body.connected ? true : undefined), 10_000, `${id} seen from B`);
    }

    const created = await A.apiJson('POST', '/firmware-campaigns', {
      firmware: { location: 'https://fw.example/cluster.bin' },
      target: { stationIds: ids },
      rollout: { waves: [1], concurrency: 3, retryDelaySec: 0 },
    });
    t.equal(created.status, 201);
    const campaignId = created.body.id as string;
    const done = await eventually(async () => {
      const c = (await B.apiJson('GET', `/firmware-campaigns/${campaignId}`)).body;
      return c.status === 'complete' ? c : undefined;
    }, 60_000, 'the campaign to complete (read from B)');
    t.match(done.progress, { installed: 6, total: 6 });
    t.same(ids.map((id) => sent.get(id) ?? 0), [1, 1, 1, 1, 1, 1], 'each station, on either node, sent the update exactly once');
    t.match(done.driver, { nodeId: /^fw-node-[ab]$/ }, 'one node holds the lease');
  });
}
