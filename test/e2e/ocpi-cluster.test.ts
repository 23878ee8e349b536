import t from 'tap';
import { POSTGRES_INSTALL, postgresBinDir, startPostgres } from '../helpers/postgres-server.js';
import { natsServerMissing, startNats } from '../helpers/nats-server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';

// Issue #16, cluster: two Switchyard processes share PostgreSQL and NATS, and both run the OCPI
// delivery loop over the one per-partner outbox. Each node enqueues the EVSE PATCHes of the
// stations it holds; a partner's queue is drained by one node at a time (a lease), so every push
// reaches the partner once, in order, however the two nodes' rounds overlap (the partner answers
// slowly, so they would). Then the node draining the partner is killed: the other takes the
// partner over when the lease runs out, and nothing is lost.

const missing = !postgresBinDir() ? `PostgreSQL is not installed: ${POSTGRES_INSTALL}` : natsServerMissing();
if (missing) {
  t.comment(`OCPI cluster: SKIPPED, ${missing}`);
  t.test('OCPI pushes once from a cluster', { skip: missing }, async () => {});
} else {
  await run();
}

const PASSWORD = 'ocpi-cluster-pw-001';

async function run(): Promise<void> {
  t.test('OCPI pushes from a two-node cluster', async (t) => {
    const pg = await startPostgres(t);
    const nats = await startNats(t);
    const databaseUrl = await pg.createDatabase();
    const env = (id: string) => ({
      CSMS_STORE: 'postgres', DATABASE_URL: databaseUrl, CSMS_PG_POOL: '3', NATS_URL: nats.url, CSMS_NODE_ID: id, CSMS_REGISTRY_TTL: '3', CSMS_WORKERS: '1',
      // Both loops look often, so without single ownership their rounds would overlap on every head.
      CSMS_OCPI_TICK_MS: '20', CSMS_OCPI_TIMEOUT_MS: '2000', CSMS_OCPI_LEASE_MS: '4000', CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RETRY_MAX_MS: '300',
    });
    const [A, B] = await Promise.all(['ocpi-a', 'ocpi-b'].map((id) => startServer(t, { env: env(id) }))) as [TestServer, TestServer];
    const emsp = await new EmspSimulator('DE', 'EMC').start(t);

    t.equal((await A.apiJson('POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'Switchyard NL' })).status, 201);
    const invite = await A.apiJson('POST', '/roaming/partners', { name: 'cluster eMSP' });
    const { answer } = await emsp.registerWith(invite.body.versionsUrl, invite.body.tokenA);
    t.equal(answer.status, 200, 'registered through A');
    t.equal((await emsp.call('GET', `${B.apiUrl}/ocpi/2.2.1/locations`)).status, 200, 'B knows the partner (shared store)');

    // Two locations: CL1's EVSE on a station held by A, CL2's on one held by B.
    await A.registerStation('OC-A', PASSWORD);
    await A.registerStation('OC-B', PASSWORD);
    for (const [id, stationId] of [['CL1', 'OC-A'], ['CL2', 'OC-B']] as const) {
      const put = await A.apiJson('PUT', `/locations/${id}`, {
        country_code: 'NL', party_id: 'SWY', id, publish: true, address: 'Stationsplein 1', city: 'Utrecht', country: 'NLD',
        coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
        evses: [{
          uid: `${id}-E1`, evse_id: `NL*SWY*E${id}`, capabilities: ['REMOTE_START_STOP_CAPABLE'], ocpp: { stationId, evseId: 1 },
          connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
        }],
      });
      t.equal(put.status, 201, JSON.stringify(put.body));
    }
    // CLX: one location with an EVSE on each node's station (connector 2), changed by both nodes at once.
    const shared = await A.apiJson('PUT', '/locations/CLX', {
      country_code: 'NL', party_id: 'SWY', id: 'CLX', publish: true, address: 'Stationsplein 2', city: 'Utrecht', country: 'NLD',
      coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
      evses: (['OC-A', 'OC-B'] as const).map((stationId, i) => ({
        uid: `CLX-E${i + 1}`, ocpp: { stationId, evseId: 2 },
        connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
      })),
    });
    t.equal(shared.status, 201, JSON.stringify(shared.body));
    await eventually(async () => emsp.pushes('PUT').length >= 3, 15_000, 'locations pushed');

    const stationA = await connectStrict(t, { endpoint: A.ocppUrl, identity: 'OC-A', password: PASSWORD, version: 'ocpp1.6' });
    const stationB = await connectStrict(t, { endpoint: B.ocppUrl, identity: 'OC-B', password: PASSWORD, version: 'ocpp1.6' });
    for (const s of [stationA, stationB]) await s.call('BootNotification', bootPayload('ocpp1.6'));
    const status = (station: typeof stationA, s: string) => station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: s, timestamp: new Date().toISOString() });
    const patches = (location: 'CL1' | 'CL2') => emsp.received.filter((r) => r.method === 'PATCH' && r.path === `/ocpi/emsp/2.2.1/locations/NL/SWY/${location}/${location}-E1` && r.answered === 200);
    const SEQUENCE = ['Available', 'Preparing', 'Charging', 'Finishing', 'Available', 'Unavailable', 'Available', 'Reserved', 'Available', 'Faulted', 'Available', 'Charging'];
    const OCPI = ['AVAILABLE', 'CHARGING', 'CHARGING', 'CHARGING', 'AVAILABLE', 'INOPERATIVE', 'AVAILABLE', 'RESERVED', 'AVAILABLE', 'OUTOFORDER', 'AVAILABLE', 'CHARGING'];
    const pending = async () => (await A.apiJson('GET', '/roaming/partners')).body.items[0].pendingDeliveries as number;

    t.test('both nodes push to one partner: each PATCH arrives once, in order', async (t) => {
      emsp.delayMs = 30;
      // Both stations change at once, so both nodes enqueue while the other is sending.
      await Promise.all([
        (async () => { for (const s of SEQUENCE) await status(stationA, s); })(),
        (async () => { for (const s of SEQUENCE) await status(stationB, s); })(),
      ]);
      const collapse = (list: string[]) => list.filter((s, i) => i === 0 || s !== list[i - 1]);
      const expected = collapse(OCPI);
      await eventually(async () => patches('CL1').length >= expected.length && patches('CL2').length >= expected.length, 30_000, 'every change pushed').catch((e) => {
        t.comment('the partner received:', JSON.stringify(emsp.received.map((r) => [r.method, r.path, (r.body as any)?.status, r.answered])));
        throw e;
      });
      await eventually(async () => ((await pending()) === 0 ? true : undefined), 15_000, 'queue empty');
      // One more change after the queue is empty: a copy of an earlier request still on its way would come before it.
      await status(stationA, 'Unavailable');
      await eventually(async () => (patches('CL1').at(-1)?.body as any)?.status === 'INOPERATIVE', 15_000, 'last change pushed');
      await eventually(async () => ((await pending()) === 0 ? true : undefined), 15_000, 'queue empty again');
      const ids = emsp.received.filter((r) => r.method === 'PATCH').map((r) => String(r.headers['x-correlation-id']));
      t.equal(new Set(ids).size, ids.length, `no request sent twice (${ids.length} PATCHes)`);
      t.same(patches('CL2').map((r) => (r.body as any).status), expected, 'CL2 (node B\'s station): every change once, in order');
      t.same(patches('CL1').map((r) => (r.body as any).status), [...expected, 'INOPERATIVE'], 'CL1 (node A\'s station): every change once, in order');
      t.same(patches('CL1').map((r) => r.problems), patches('CL1').map(() => undefined), 'PATCH bodies per §8.2.2.3');
      t.equal(emsp.pushes('PUT').length, 3, 'each location PUT once');
      const holders = [A, B].map((n) => (n.output().stdout.match(/"msg":"OCPI delivery/g) ?? []).length);
      t.same(holders, [0, 0], 'no delivery failed or was dropped on either node');
    });

    t.test('two nodes change EVSEs of one location at once: no change lost (compare-and-set)', async (t) => {
      emsp.delayMs = 0;
      const connector2 = (station: typeof stationA, s: string) => station.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: s, timestamp: new Date().toISOString() });
      const shared = (uid: string) => emsp.received.filter((r) => r.method === 'PATCH' && r.path === `/ocpi/emsp/2.2.1/locations/NL/SWY/CLX/${uid}` && r.answered === 200);
      const a = ['Available', 'Charging', 'Available', 'Faulted', 'Available', 'Reserved', 'Available', 'Charging'];
      const b = ['Available', 'Unavailable', 'Available', 'Charging', 'Available', 'Faulted', 'Available', 'Reserved'];
      await Promise.all([
        Promise.all(a.map((s) => connector2(stationA, s))),
        Promise.all(b.map((s) => connector2(stationB, s))),
      ]);
      const ocpiOf = (s: string) => ({ Available: 'AVAILABLE', Charging: 'CHARGING', Faulted: 'OUTOFORDER', Reserved: 'RESERVED', Unavailable: 'INOPERATIVE' })[s];
      await eventually(async () => shared('CLX-E1').length >= a.length && shared('CLX-E2').length >= b.length, 30_000, 'every change of both EVSEs pushed');
      t.same(shared('CLX-E1').map((r) => (r.body as any).status), a.map(ocpiOf), 'EVSE on A\'s station: every change, in order');
      t.same(shared('CLX-E2').map((r) => (r.body as any).status), b.map(ocpiOf), 'EVSE on B\'s station: every change, in order');
      const stored = await emsp.call('GET', `${A.apiUrl}/ocpi/2.2.1/locations/CLX`);
      t.same(stored.body.data.evses.map((e: any) => e.status), ['CHARGING', 'RESERVED'], 'the stored location has both last statuses');
    });

    t.test('a location saved on A maps a station held by B: B sees the mapping at once', async (t) => {
      // B built its station index earlier (CL2's changes); it caches it for 30 s unless told.
      const put = await A.apiJson('PUT', '/locations/CLN', {
        country_code: 'NL', party_id: 'SWY', id: 'CLN', publish: true, address: 'Stationsplein 4', city: 'Utrecht', country: 'NLD',
        coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
        evses: [{ uid: 'CLN-E1', ocpp: { stationId: 'OC-B', evseId: 3 }, connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] }],
      });
      t.equal(put.status, 201);
      const patched = () => emsp.received.filter((r) => r.method === 'PATCH' && r.path === '/ocpi/emsp/2.2.1/locations/NL/SWY/CLN/CLN-E1' && r.answered === 200);
      // Well inside B's 30 s cache: the change is B's to notice from the shared store's mark.
      await eventually(async () => {
        await stationB.call('StatusNotification', { connectorId: 3, errorCode: 'NoError', status: patched().length % 2 === 0 ? 'Charging' : 'Available', timestamp: new Date().toISOString() });
        return patched().length > 0 ? true : undefined;
      }, 10_000, 'B pushed the status of the newly mapped EVSE');
      t.match(patched()[0]!.body, { status: 'CHARGING' });
      t.equal((await emsp.call('GET', `${B.apiUrl}/ocpi/2.2.1/locations/CLN/CLN-E1`)).body.data.status, 'CHARGING', 'and stored it');
      await eventually(async () => ((await pending()) === 0 ? true : undefined), 15_000, 'queue empty');
    });

    t.test('the node draining the partner dies: the other takes over, nothing lost', async (t) => {
      emsp.delayMs = 0;
      emsp.down = true;
      // CL1 ended the first part INOPERATIVE, CL2 CHARGING: each of these is a change.
      const before = { e1: patches('CL1').length, e2: patches('CL2').length };
      let lastChangeAt = '';
      for (const s of ['Available', 'Charging', 'Available']) {
        lastChangeAt = new Date().toISOString();
        await status(stationA, s);
        await status(stationB, s);
      }
      // A station's status reaches its location asynchronously (after the CALLRESULT); once the last
      // one is stored, its PATCH is queued too (same write), so killing a node then loses nothing.
      for (const location of ['CL1', 'CL2']) {
        await eventually(async () => {
          const evse = (await emsp.call('GET', `${B.apiUrl}/ocpi/2.2.1/locations/${location}/${location}-E1`)).body.data;
          return evse.status === 'AVAILABLE' && evse.last_updated >= lastChangeAt ? true : undefined;
        }, 15_000, `${location}'s last change stored`);
      }
      t.ok((await pending()) >= 6, 'six pending while the partner is away');
      // Whoever holds the partner now: kill A (its station's changes are already in the shared queue).
      const failing = await eventually(async () => {
        const out = [A, B].map((n) => (n.output().stdout.match(/OCPI delivery failed: will retry/g) ?? []).length);
        return out.some((n) => n > 0) ? out : undefined;
      }, 15_000, 'a node is retrying');
      t.ok(failing[0]! === 0 || failing[1]! === 0, `one node at a time tried the partner (${failing.join('/')})`);
      // Kill the node that holds the partner (the changes of its station are already in the shared queue).
      const [holder, survivor] = failing[0]! > 0 ? [A, B] : [B, A];
      await holder.stop('SIGKILL');
      emsp.down = false;
      await eventually(async () => patches('CL1').length >= before.e1 + 3 && patches('CL2').length >= before.e2 + 3, 30_000, 'the survivor delivered everything').catch(async (e) => {
        // What the survivor knows about the partner's queue, and what it said, for the failure report.
        t.comment(JSON.stringify((await survivor.apiJson('GET', '/roaming/partners')).body.items[0]));
        t.comment(survivor.output().stdout.slice(-6000));
        t.comment(JSON.stringify(emsp.received.slice(-12).map((r) => [r.method, r.path, r.answered])));
        throw e;
      });
      t.same(patches('CL1').slice(before.e1).map((r) => (r.body as any).status), ['AVAILABLE', 'CHARGING', 'AVAILABLE']);
      t.same(patches('CL2').slice(before.e2).map((r) => (r.body as any).status), ['AVAILABLE', 'CHARGING', 'AVAILABLE']);
      await eventually(async () => (((await survivor.apiJson('GET', '/roaming/partners')).body.items[0].pendingDeliveries as number) === 0 ? true : undefined), 15_000, 'queue empty');
    });
  });
}
