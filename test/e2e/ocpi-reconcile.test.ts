import t from 'tap';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { stopEvent16 } from '../../core/transaction-mapping-16.js';
import { eventually, freePort, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';

// Issue #16, nothing lost: a node that committed a roaming transaction's end, or a tariff change,
// and died before OCPI made what partners are told of it (the live paths run after the commit:
// the session end and CDR on the bus event, tariff pushes and connectors' tariff_ids after the API
// write). Here the CSMS is stopped, the changes are written to its SQLite file by the store adapter
// it uses (what the dying node had committed), and the CSMS is started again: the reconciliation
// sweep makes the session, the CDR, the tariff PUT and DELETE and the location with its new
// tariff_ids, and the partner receives them. What the live paths did is not sent twice.

const PASSWORD = 'ocpi-reconcile-station-01';
const stationId = 'OCPI-R-CS1';

const location = {
  country_code: 'NL', party_id: 'SWY', id: 'LOC1', publish: true, name: 'Depot', address: 'Stationsplein 1', city: 'Utrecht', postal_code: '3511ED', country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
  evses: [1, 2].map((n) => ({
    uid: `LOC1-E${n}`, evse_id: `NL*SWY*E${n}`, capabilities: ['REMOTE_START_STOP_CAPABLE'], ocpp: { stationId, evseId: n },
    connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
  })),
};

t.test('a roaming session and tariff changes whose node died before OCPI pushed them reach the partner after a restart', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const ports = { ocpp: await freePort(), api: await freePort() };
  const env = { CSMS_OCPI_TICK_MS: '100', CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RECONCILE_SEC: '1', CSMS_OCPI_RECONCILE_GRACE_SEC: '1', CSMS_LOG_LEVEL: 'info' };
  let server = await startServer(t, { env, dataDir, ports });
  t.equal((await server.apiJson('POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'Switchyard NL' })).status, 201);
  const emsp = await new EmspSimulator('DE', 'EM1').start(t);
  const invite = await server.apiJson('POST', '/roaming/partners', { name: 'eMSP one' });
  t.equal((await emsp.registerWith(invite.body.versionsUrl, invite.body.tokenA)).answer.status, 200);
  await server.registerStation(stationId, PASSWORD);
  t.equal((await server.apiJson('PUT', '/locations/LOC1', location)).status, 201);
  t.equal((await emsp.call('PUT', `${server.apiUrl}/ocpi/2.2.1/tokens/DE/EM1/TOKR`, { body: emsp.token('TOKR', 'ALWAYS') })).status, 201);
  const tariffPushes = (id: string, method = 'PUT') => emsp.received.filter((r) => r.method === method && r.path === `/ocpi/emsp/2.2.1/tariffs/NL/SWY/${id}`);
  const locationPuts = () => emsp.received.filter((r) => r.method === 'PUT' && r.path === '/ocpi/emsp/2.2.1/locations/NL/SWY/LOC1');
  const tariff = { currency: 'EUR', taxPercent: '21', prices: { energy: '0.30' } };
  for (const id of ['TA', 'TC']) t.equal((await server.apiJson('PUT', `/tariffs/${id}`, tariff)).status, 201);
  t.equal((await server.apiJson('PUT', '/tariff-assignments', { target: { kind: 'default' }, tariffId: 'TA' })).status, 201);
  await eventually(async () => tariffPushes('TA').length === 1 && tariffPushes('TC').length === 1, 15_000, 'the live tariff pushes');
  await eventually(async () => (locationPuts().at(-1)?.body as any)?.evses[0].connectors[0].tariff_ids?.[0] === 'TA', 15_000, 'the location names TA');
  const sessionPuts = (id: string) => emsp.received.filter((r) => r.method === 'PUT' && r.path === `/ocpi/emsp/2.2.1/sessions/NL/SWY/${id}`);
  const cdrPosts = (id: string) => emsp.received.filter((r) => r.method === 'POST' && r.path === '/ocpi/emsp/2.2.1/cdrs' && (r.body as any)?.id === id);

  // A session the live path handles from start to CDR.
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: stationId, password: PASSWORD, version: 'ocpp1.6' });
  await client.call('BootNotification', bootPayload('ocpp1.6'));
  const live = (await client.call('StartTransaction', { connectorId: 1, idTag: 'TOKR', meterStart: 0, timestamp: new Date().toISOString() })) as any;
  t.equal(live.idTagInfo.status, 'Accepted');
  await client.call('StopTransaction', { transactionId: live.transactionId, meterStop: 3000, timestamp: new Date().toISOString(), reason: 'Local' });
  const liveId = String(live.transactionId);
  await eventually(async () => cdrPosts(liveId).length === 1, 15_000, 'the live CDR');
  await client.close();
  await server.stop();

  // What a node dying right after the commit leaves: the transaction, no session, no CDR.
  const store = new SqliteStore({ path: join(dataDir, 'switchyard.sqlite') });
  const started = await store.transactions.startTransaction16('default', stationId, { connectorId: 2, idTag: 'TOKR', meterStart: 1000, timestamp: new Date(Date.now() - 3_600_000).toISOString() });
  const lostId = String(started.transaction.ocppTransactionId);
  await store.transactions.applyTransactionEvent('default', stationId, stopEvent16({ transactionId: Number(lostId), meterStop: 8500, timestamp: new Date().toISOString(), reason: 'Local' }));
  t.equal(await store.ocpi.getDoc('session', 'default', lostId), undefined, 'no session was made for it');
  // A new tariff, a deleted one, and the default assignment moved to the new one; none pushed.
  const at = new Date().toISOString();
  await store.tariffs.putTariff({ ...(await store.tariffs.getTariff('default', 'TA'))!, id: 'TB', createdAt: at, updatedAt: at });
  t.ok(await store.tariffs.deleteTariff('default', 'TC'));
  await store.tariffs.putAssignment({ tenantId: 'default', target: { kind: 'default' }, tariffId: 'TB', updatedAt: at });
  await store.close();
  const locationPutsBefore = locationPuts().length;

  server = await startServer(t, { env, dataDir, ports });
  await eventually(async () => cdrPosts(lostId).length === 1, 30_000, 'the missed CDR');
  const session = sessionPuts(lostId).at(-1)!;
  t.match(session.body, { id: lostId, status: 'COMPLETED', kwh: 7.5, evse_uid: 'LOC1-E2', cdr_token: { uid: 'TOKR' } }, 'the session, ended');
  t.equal(session.problems, undefined, 'Session per §9.3.1');
  const cdr = cdrPosts(lostId)[0]!;
  t.match(cdr.body, { id: lostId, session_id: lostId, total_energy: 7.5, cdr_location: { evse_uid: 'LOC1-E2' } });
  t.equal(cdr.problems, undefined, 'CDR per §10.3.1');
  t.ok(sessionPuts(lostId).length >= 1 && emsp.received.indexOf(session) < emsp.received.indexOf(cdr), 'session end before its CDR');
  t.ok(/made by the reconciliation sweep/.test(server.output().stdout), 'a log line says the sweep made it');
  t.match(await server.metrics(), /ocpi_reconciled_total\{kind="session"\} 1\b/);

  await eventually(async () => tariffPushes('TB').length === 1 && tariffPushes('TC', 'DELETE').length === 1, 30_000, 'the missed tariff pushes');
  t.match(tariffPushes('TB')[0]!.body, { id: 'TB', currency: 'EUR' });
  t.equal(tariffPushes('TB')[0]!.problems, undefined, 'Tariff per §11.3.1');
  t.notOk(emsp.tariffs.has('TC'), 'the partner dropped the deleted tariff');
  await eventually(async () => locationPuts().length > locationPutsBefore, 30_000, 'the location with its new tariff_ids');
  t.same((locationPuts().at(-1)!.body as any).evses.map((e: any) => e.connectors[0].tariff_ids), [['TB'], ['TB']], 'connectors follow the moved default');

  // Sweeps go on; nothing is sent twice.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  t.equal(cdrPosts(liveId).length, 1, 'the live CDR was not sent again');
  t.equal(cdrPosts(lostId).length, 1, 'the repaired CDR was not sent again');
  t.equal(sessionPuts(liveId).filter((r) => (r.body as any).status === 'COMPLETED').length, 1, 'nor the live session end');
  t.same([tariffPushes('TA').length, tariffPushes('TB').length, tariffPushes('TC', 'DELETE').length], [1, 1, 1], 'nor a tariff');
  t.equal(locationPuts().length, locationPutsBefore + 1, 'nor the location');
});
