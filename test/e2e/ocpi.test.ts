import t from 'tap';
import { ADMIN_AUTH, eventually, startServer, type TestServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';
import { problems } from '../helpers/ocpi-schemas.js';

// Issue #16, OCPI 2.2.1 CPO interface, against eMSP simulators (test/helpers/emsp-simulator.ts)
// that check every object they receive against schemas written from the spec's tables, and a
// strict ocpp-rpc station: registration both ways, token rules, locations GET with pagination,
// EVSE status pushed as PATCH, a partner that is away gets everything afterwards in order while
// another partner is not held up, rotation and unregistration, tenant isolation.

const PASSWORD = 'ocpi-station-pw-01';

async function tenantJson(server: TestServer, tenant: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.apiUrl}${path}`, {
    method, headers: { ...ADMIN_AUTH, 'x-tenant-id': tenant, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const location = (id: string, stationId: string, extra: Record<string, unknown> = {}) => ({
  country_code: 'NL', party_id: 'SWY', id, publish: true, name: `Location ${id}`, address: 'Stationsplein 1', city: 'Utrecht', postal_code: '3511ED', country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam', facilities: ['TRAIN_STATION'],
  operator: { name: 'Switchyard Test CPO' }, opening_times: { twentyfourseven: true },
  evses: [{
    uid: `${id}-E1`, evse_id: `NL*SWY*E${id}1`, capabilities: ['REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE'], physical_reference: '1',
    ocpp: { stationId, evseId: 1 },
    connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, max_electric_power: 22000 }],
  }],
  ...extra,
});

t.test('OCPI 2.2.1 CPO end to end', async (t) => {
  const server = await startServer(t, { env: { CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RETRY_MAX_MS: '500', CSMS_OCPI_TICK_MS: '100', CSMS_OCPI_TIMEOUT_MS: '2000', CSMS_OCPI_REALTIME_TIMEOUT_MS: '1000' } });
  const ocpi = `${server.apiUrl}/ocpi`;
  const anonymous = new EmspSimulator('DE', 'XXX');

  t.test('platform: no token or an unknown one is 401 with an OCPI envelope; ids are echoed', async (t) => {
    const none = await anonymous.call('GET', `${ocpi}/versions`, { token: null, headers: { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' } });
    t.equal(none.status, 401);
    t.equal(problems('envelope', none.body), undefined, 'envelope per §4.1.7');
    t.equal(none.body.status_code, 2001, 'missing token: 2001');
    t.equal(none.headers.get('x-request-id'), 'req-1');
    t.equal(none.headers.get('x-correlation-id'), 'corr-1');
    t.equal((await anonymous.call('GET', `${ocpi}/versions`, { token: 'nobody-has-this' })).status, 401);
    t.equal((await anonymous.call('GET', `${ocpi}/2.2.1/locations`, { token: 'nobody-has-this' })).status, 401);
  });

  // Tenant default: party NL*SWY; tenant "globex": party DE*ABC.
  t.equal((await server.apiJson('POST', '/roaming/partners', { name: 'too early' })).status, 409, 'no party yet: OCPI_NO_PARTY');
  t.equal((await server.apiJson('POST', '/roaming/parties', { countryCode: 'nl', partyId: 'swy', name: 'Switchyard NL' })).status, 201);
  t.equal((await server.apiJson('POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'again' })).status, 409);
  t.equal((await tenantJson(server, 'globex', 'POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'taken' })).status, 409, 'a party belongs to one tenant');
  t.equal((await tenantJson(server, 'globex', 'POST', '/roaming/parties', { countryCode: 'DE', partyId: 'ABC', name: 'Globex DE' })).status, 201);

  const emsp1 = await new EmspSimulator('DE', 'EM1').start(t);
  const emsp2 = await new EmspSimulator('BE', 'EM2').start(t);
  const emspGlobex = await new EmspSimulator('FR', 'EMG').start(t);

  t.test('they register with us: token A → versions → details → credentials → token C', async (t) => {
    const invite = await server.apiJson('POST', '/roaming/partners', { name: 'eMSP one' });
    t.equal(invite.status, 201);
    t.equal(invite.body.partner.status, 'invited');
    t.equal(invite.body.versionsUrl, `${ocpi}/versions`);
    const tokenA = invite.body.tokenA as string;
    // Token A opens versions and credentials only (§4.1.2).
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/locations`, { token: tokenA })).status, 401, 'token A: no other module');
    // A malformed credentials body: 2001 naming the field.
    const bad = await emsp1.call('POST', `${ocpi}/2.2.1/credentials`, { token: tokenA, body: { token: 'x', url: emsp1.versionsUrl } });
    t.equal(bad.status, 400);
    t.equal(bad.body.status_code, 2001);
    t.match(bad.body.status_message, /roles/);
    const { versions, details, answer } = await emsp1.registerWith(invite.body.versionsUrl, tokenA);
    t.same(versions.data, [{ version: '2.2.1', url: `${ocpi}/2.2.1` }]);
    t.ok(details.data.endpoints.some((e: any) => e.identifier === 'locations' && e.role === 'SENDER'));
    t.equal(answer.status, 200);
    t.equal(problems('credentials', answer.body.data), undefined, 'our credentials per §7.3.1');
    t.same(answer.body.data.roles.map((r: any) => [r.role, r.country_code, r.party_id]), [['CPO', 'NL', 'SWY']]);
    t.not(answer.body.data.token, tokenA, 'token C is new');
    t.ok(emsp1.received.some((r) => r.path === '/ocpi/versions' && r.answered === 200), 'we discovered their versions with their token B');
    t.equal((await emsp1.call('GET', `${ocpi}/versions`, { token: tokenA })).status, 401, 'token A is void after the handshake');
    const mine = await emsp1.call('GET', `${ocpi}/2.2.1/credentials`);
    t.equal(mine.status, 200);
    t.equal(mine.body.data.token, emsp1.tokenForCsms);
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/credentials`, { token: emsp1.tokenForCsms!, raw: true })).status, 200, 'an unencoded token is accepted too (pre-2.2-d2 peers)');
    t.equal((await emsp1.call('POST', `${ocpi}/2.2.1/credentials`, { body: emsp1.ourCredentials() })).status, 405, 'POST when registered: 405');
    const partner = await server.apiJson('GET', `/roaming/partners/${invite.body.partner.id}`);
    t.match(partner.body, { status: 'registered', hasTheirToken: true, roles: [{ role: 'EMSP', countryCode: 'DE', partyId: 'EM1' }] });
    t.notOk('theirToken' in partner.body, 'the token we present to them is never shown');
  });

  t.test('we register with them (their token A), and a second partner of the same tenant', async (t) => {
    const created = await server.apiJson('POST', '/roaming/partners', { name: 'eMSP two' });
    const id = created.body.partner.id as string;
    const theirTokenA = emsp2.tokenForCpo;
    const registered = await server.apiJson('POST', `/roaming/partners/${id}/register`, { versionsUrl: emsp2.versionsUrl, token: theirTokenA });
    t.equal(registered.status, 200, JSON.stringify(registered.body));
    t.match(registered.body, { status: 'registered', roles: [{ role: 'EMSP', countryCode: 'BE', partyId: 'EM2' }] });
    const post = emsp2.received.find((r) => r.method === 'POST' && r.path === '/ocpi/2.2.1/credentials');
    t.equal(post?.problems, undefined, 'our credentials POST per §7.3.1');
    t.equal(post?.headers.authorization, `Token ${Buffer.from(theirTokenA).toString('base64')}`, 'their token A, base64 (§4.1.2)');
    t.ok(post?.headers['x-request-id'] && post.headers['x-correlation-id'], 'request and correlation ids');
    t.equal((await emsp2.call('GET', `${ocpi}/2.2.1/locations`)).status, 200, 'they reach us with the token we gave them');
  });

  t.test('another tenant registers its own partner', async (t) => {
    const invite = await tenantJson(server, 'globex', 'POST', '/roaming/partners', { name: 'Globex eMSP' });
    const { answer } = await emspGlobex.registerWith(invite.body.versionsUrl, invite.body.tokenA);
    t.same(answer.body.data.roles.map((r: any) => [r.country_code, r.party_id]), [['DE', 'ABC']], 'only the tenant’s own parties');
  });

  const stationId = 'OCPI-CS1';
  await server.registerStation(stationId, PASSWORD);

  t.test('locations: PUT pushed to partners, GET with pagination, unknown objects 2003', async (t) => {
    const put = await server.apiJson('PUT', '/locations/LOC1', location('LOC1', stationId));
    t.equal(put.status, 201, JSON.stringify(put.body));
    t.equal(put.body.evses[0].status, 'UNKNOWN', 'no status reported yet');
    t.same(put.body.evses[0].ocpp, { stationId, evseId: 1 });
    t.equal((await server.apiJson('PUT', '/locations/LOC2', location('LOC2', 'OCPI-CS2'))).status, 201);
    t.equal((await server.apiJson('PUT', '/locations/LOC3', location('LOC3', 'OCPI-CS3', { publish: false }))).status, 201);
    t.equal((await server.apiJson('PUT', '/locations/LOC4', location('LOC4', 'x', { party_id: 'ZZZ' }))).status, 409, 'not our party');
    t.equal((await server.apiJson('PUT', '/locations/LOC5', { ...location('LOC5', 'x'), coordinates: { latitude: '52.1', longitude: '5.1' } })).status, 400, 'coordinates per §8.4.13');

    for (const emsp of [emsp1, emsp2]) {
      await eventually(async () => emsp.pushes('PUT').length >= 2, 15_000, 'both published locations pushed');
      t.same(emsp.pushes('PUT').map((r) => r.path), ['/ocpi/emsp/2.2.1/locations/NL/SWY/LOC1', '/ocpi/emsp/2.2.1/locations/NL/SWY/LOC2']);
      t.same(emsp.pushes('PUT').map((r) => r.problems), [undefined, undefined], 'pushed locations per §8.3.1');
      t.notOk(JSON.stringify(emsp.pushes('PUT')[0]!.body).includes('ocpp'), 'our OCPP mapping stays ours');
    }
    t.equal(emspGlobex.pushes().length, 0, 'another tenant’s partner gets nothing');

    const page1 = await emsp1.call('GET', `${ocpi}/2.2.1/locations?limit=1`);
    t.equal(page1.status, 200);
    t.equal(page1.headers.get('x-total-count'), '2', 'published only');
    t.equal(page1.headers.get('x-limit'), '1');
    t.equal(page1.headers.get('link'), `<${ocpi}/2.2.1/locations?offset=1&limit=1>; rel="next"`);
    t.same(page1.body.data.map((l: any) => l.id), ['LOC1']);
    t.equal(problems('location', page1.body.data[0]), undefined);
    const page2 = await emsp1.call('GET', `${ocpi}/2.2.1/locations?offset=1&limit=1`);
    t.same(page2.body.data.map((l: any) => l.id), ['LOC2']);
    t.equal(page2.headers.get('link'), null, 'last page: no Link');
    const future = await emsp1.call('GET', `${ocpi}/2.2.1/locations?date_from=2999-01-01T00:00:00Z`);
    t.equal(future.headers.get('x-total-count'), '0', 'date_from filters');
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/locations?date_from=yesterday`)).body.status_code, 2001);
    const evse = await emsp1.call('GET', `${ocpi}/2.2.1/locations/LOC1/LOC1-E1`);
    t.equal(problems('evse', evse.body.data), undefined);
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/locations/LOC1/LOC1-E1/1`)).body.data.standard, 'IEC_62196_T2');
    for (const path of ['LOC3', 'NOPE', 'LOC1/NOPE', 'LOC1/LOC1-E1/9']) {
      const unknown = await emsp1.call('GET', `${ocpi}/2.2.1/locations/${path}`);
      t.equal(unknown.status, 404, path);
      t.equal(unknown.body.status_code, 2003, path);
    }
    t.equal((await emspGlobex.call('GET', `${ocpi}/2.2.1/locations/LOC1`)).status, 404, 'another tenant’s partner: unknown');
    t.equal((await emspGlobex.call('GET', `${ocpi}/2.2.1/locations`)).headers.get('x-total-count'), '0');
  });

  t.test('EVSE status from a strict OCPP station reaches partners as PATCH; a partner away gets everything afterwards, in order', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: stationId, password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    const status = (s: string) => client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: s });
    await status('Available');
    const patchPath = '/ocpi/emsp/2.2.1/locations/NL/SWY/LOC1/LOC1-E1';
    const patches = (emsp: EmspSimulator) => emsp.pushes('PATCH').filter((r) => r.path === patchPath);
    await eventually(async () => patches(emsp1).length >= 1 && patches(emsp2).length >= 1, 15_000, 'AVAILABLE patched to both');
    t.match(patches(emsp1)[0]!.body, { status: 'AVAILABLE' });
    t.equal(patches(emsp1)[0]!.problems, undefined, 'PATCH body per §8.2.2.3');
    t.equal(patches(emsp1)[0]!.headers.authorization, `Token ${Buffer.from(emsp1.tokenForCpo).toString('base64')}`);
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/locations/LOC1/LOC1-E1`)).body.data.status, 'AVAILABLE', 'GET shows it too');

    // emsp1 goes away; the station keeps changing; emsp2 is not held up.
    emsp1.down = true;
    for (const s of ['Charging', 'Faulted', 'Reserved', 'Available']) await status(s);
    await eventually(async () => patches(emsp2).length >= 5, 15_000, 'the partner that is up got every change');
    t.same(patches(emsp2).map((r) => (r.body as any).status), ['AVAILABLE', 'CHARGING', 'OUTOFORDER', 'RESERVED', 'AVAILABLE']);
    await eventually(async () => emsp1.received.filter((r) => r.answered === 503).length >= 3, 15_000, 'retried while away');
    const partners = await server.apiJson('GET', '/roaming/partners');
    const away = partners.body.items.find((p: any) => p.name === 'eMSP one');
    t.ok(away.pendingDeliveries >= 4, `pending deliveries counted (${away.pendingDeliveries})`);
    t.ok(await eventually(async () => (/OCPI delivery failed: will retry/).test(server.output().stdout), 30_000, 'a log line per failure'), 'a log line per failure');
    const metrics = await server.metrics();
    t.match(metrics, /ocpi_partner_delivery_failures_total\{[^}]*outcome="retry"/);

    emsp1.down = false;
    await eventually(async () => patches(emsp1).length >= 5, 20_000, 'everything delivered after the partner came back');
    t.same(patches(emsp1).map((r) => (r.body as any).status), ['AVAILABLE', 'CHARGING', 'OUTOFORDER', 'RESERVED', 'AVAILABLE'], 'in order, none lost');
    const stamps = patches(emsp1).map((r) => (r.body as any).last_updated as string);
    t.same([...stamps].sort(), stamps, 'last_updated never goes back');
    t.equal(emsp1.locations.get('LOC1').evses[0].status, 'AVAILABLE', 'the partner’s copy is current');
    t.equal(emspGlobex.pushes().length, 0, 'tenant isolation: nothing for the other tenant’s partner');
  });

  t.test('tokens: partners push them, station Authorize honours whitelist types and real-time authorization', async (t) => {
    const put = (emsp: EmspSimulator, token: any) => emsp.call('PUT', `${ocpi}/2.2.1/tokens/${token.country_code}/${token.party_id}/${token.uid}`, { body: token });
    t.equal((await put(emsp1, emsp1.token('TOKWL', 'ALWAYS'))).status, 201, 'new: 201');
    t.equal((await put(emsp1, emsp1.token('TOKWL', 'ALWAYS', { group_id: 'FLEET1' }))).status, 200, 'replaced: 200');
    const older = await put(emsp1, emsp1.token('TOKWL', 'NEVER', { last_updated: '2020-01-01T00:00:00.000Z' }));
    t.equal(older.body.status_code, 1000, 'an older push is answered…');
    t.equal((await emsp1.call('GET', `${ocpi}/2.2.1/tokens/DE/EM1/TOKWL`)).body.data.whitelist, 'ALWAYS', '…and ignored');
    t.equal((await put(emsp1, { ...emsp1.token('X1', 'ALWAYS'), country_code: 'NL', party_id: 'SWY' })).status, 404, 'not their party');
    const mismatch = await emsp1.call('PUT', `${ocpi}/2.2.1/tokens/DE/EM1/OTHER`, { body: emsp1.token('X2', 'ALWAYS') });
    t.equal(mismatch.body.status_code, 2001, 'uid of the URL');
    const missing = await emsp1.call('PUT', `${ocpi}/2.2.1/tokens/DE/EM1/X3`, { body: { uid: 'X3' } });
    t.equal(missing.status, 400);
    t.equal(missing.body.status_code, 2001);
    const unknownPatch = await emsp1.call('PATCH', `${ocpi}/2.2.1/tokens/DE/EM1/NOPE`, { body: { valid: false, last_updated: new Date().toISOString() } });
    t.same([unknownPatch.status, unknownPatch.body.status_code], [404, 2004]);
    t.equal((await emsp1.call('PATCH', `${ocpi}/2.2.1/tokens/DE/EM1/TOKWL`, { body: { valid: false } })).body.status_code, 2001, 'PATCH needs last_updated');
    for (const [uid, whitelist] of [['TOKRT', 'NEVER'], ['TOKRB', 'NEVER'], ['TOKOFF', 'ALLOWED_OFFLINE'], ['TOKND', 'NEVER'], ['TOKINV', 'ALWAYS']] as const) {
      t.equal((await put(emsp1, emsp1.token(uid, whitelist))).status, 201, uid);
    }
    t.equal((await emsp1.call('PATCH', `${ocpi}/2.2.1/tokens/DE/EM1/TOKINV`, { body: { valid: false, last_updated: new Date().toISOString() } })).status, 200);
    t.equal((await put(emspGlobex, emspGlobex.token('TOKGLOBEX', 'ALWAYS'))).status, 201, 'another tenant’s partner pushes its own');
    emsp1.authorizeAnswers.set('TOKRT', 'ALLOWED');
    emsp1.authorizeAnswers.set('TOKRB', 'BLOCKED');

    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: stationId, password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    const authorize = async (idTag: string) => ((await client.call('Authorize', { idTag })) as any).idTagInfo;
    const realtimeCalls = () => emsp1.received.filter((r) => r.method === 'POST' && r.path.includes('/authorize'));
    t.match(await authorize('tokwl'), { status: 'Accepted', parentIdTag: 'FLEET1' }, 'ALWAYS: from the pushed copy, case-insensitively');
    t.equal(realtimeCalls().length, 0, 'no real-time call for a whitelisted token');
    t.match(await authorize('TOKRT'), { status: 'Accepted' }, 'NEVER: the partner allowed it in real time');
    t.equal(realtimeCalls().at(-1)?.path, '/ocpi/emsp/2.2.1/tokens/TOKRT/authorize?type=RFID');
    t.equal(realtimeCalls().at(-1)?.headers.authorization, `Token ${Buffer.from(emsp1.tokenForCpo).toString('base64')}`);
    t.match(await authorize('TOKRB'), { status: 'Blocked' }, 'NEVER: the partner blocked it');
    emsp1.down = true;
    t.match(await authorize('TOKOFF'), { status: 'Accepted' }, 'ALLOWED_OFFLINE: partner unreachable, falls back to the copy');
    t.match(await authorize('TOKND'), { status: 'Invalid' }, 'NEVER: partner unreachable, refused');
    emsp1.down = false;
    t.match(await authorize('TOKINV'), { status: 'Invalid' }, 'valid=false');
    t.match(await authorize('TOKGLOBEX'), { status: 'Invalid' }, 'another tenant’s partner token is unknown here');
    t.match(await authorize('NOBODY'), { status: 'Invalid' }, 'unknown');
  });

  t.test('commands: START_SESSION, STOP_SESSION, UNLOCK_CONNECTOR, RESERVE_NOW, CANCEL_RESERVATION through the command service', async (t) => {
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: stationId, password: PASSWORD, version: 'ocpp1.6' });
    await client.call('BootNotification', bootPayload('ocpp1.6'));
    const seen: Array<[string, any]> = [];
    client.handle('RemoteStartTransaction', async ({ params }) => (seen.push(['RemoteStartTransaction', params]), { status: 'Accepted' }));
    client.handle('RemoteStopTransaction', async ({ params }) => (seen.push(['RemoteStopTransaction', params]), { status: 'Accepted' }));
    client.handle('UnlockConnector', async ({ params }) => (seen.push(['UnlockConnector', params]), { status: 'Unlocked' }));
    client.handle('ReserveNow', async ({ params }) => (seen.push(['ReserveNow', params]), { status: 'Accepted' }));
    client.handle('CancelReservation', async ({ params }) => (seen.push(['CancelReservation', params]), { status: 'Accepted' }));
    const command = (name: string, id: string, body: Record<string, unknown>) =>
      emsp1.call('POST', `${ocpi}/2.2.1/commands/${name}`, { body: { response_url: emsp1.responseUrl(name, id), ...body } });
    const resultOf = (id: string) => eventually(async () => emsp1.commandResults(id)[0], 15_000, `CommandResult ${id}`);

    const unknown = await command('START_SESSION', 'c0', { token: emsp1.tokens.get('TOKWL'), location_id: 'NOPE' });
    t.equal(unknown.body.status_code, 2003, 'unknown location');
    const start = await command('START_SESSION', 'c1', { token: emsp1.tokens.get('TOKWL'), location_id: 'LOC1', evse_uid: 'LOC1-E1' });
    t.equal(start.status, 200);
    t.match(start.body.data, { result: 'ACCEPTED', timeout: 60 }, 'CommandResponse at once');
    t.same(await resultOf('c1'), { result: 'ACCEPTED' }, 'CommandResult from the station’s answer');
    t.match(seen.find(([a]) => a === 'RemoteStartTransaction')?.[1], { idTag: 'TOKWL', connectorId: 1 });
    // The station starts the transaction for that token (the remote start vouches for it).
    const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'TOKWL', meterStart: 1000, timestamp: new Date().toISOString() })) as any;
    t.equal(started.idTagInfo.status, 'Accepted');
    const sessionId = String(started.transactionId);
    t.same((await command('STOP_SESSION', 'c2', { session_id: 'no-such-session' })).body.data.result, 'UNKNOWN_SESSION');
    t.equal((await command('STOP_SESSION', 'c3', { session_id: sessionId })).body.data.result, 'ACCEPTED');
    t.same(await resultOf('c3'), { result: 'ACCEPTED' });
    t.match(seen.find(([a]) => a === 'RemoteStopTransaction')?.[1], { transactionId: started.transactionId });
    await client.call('StopTransaction', { transactionId: started.transactionId, meterStop: 8500, timestamp: new Date().toISOString(), idTag: 'TOKWL' });
    // The partner's token charged on a mapped EVSE: a session pushed on start and end, then a CDR with the kWh.
    const sessionPuts = () => emsp1.received.filter((r) => r.method === 'PUT' && r.path === `/ocpi/emsp/2.2.1/sessions/NL/SWY/${sessionId}`);
    await eventually(async () => sessionPuts().some((r) => (r.body as any).status === 'COMPLETED'), 15_000, 'session COMPLETED pushed');
    t.match(sessionPuts()[0]!.body, { id: sessionId, status: 'ACTIVE', location_id: 'LOC1', evse_uid: 'LOC1-E1', connector_id: '1', auth_method: 'COMMAND', cdr_token: { uid: 'TOKWL', contract_id: 'DE-EM1-CTOKWL' } });
    t.same(sessionPuts().map((r) => r.problems), sessionPuts().map(() => undefined), 'sessions per §9.3.1');
    t.equal((sessionPuts().at(-1)!.body as any).kwh, 7.5, 'kWh from the meter values');
    const cdrPost = await eventually(async () => emsp1.received.find((r) => r.method === 'POST' && r.path === '/ocpi/emsp/2.2.1/cdrs'), 15_000, 'CDR posted');
    t.equal(cdrPost.problems, undefined, 'CDR per §10.3.1');
    t.match(cdrPost.body, { id: sessionId, session_id: sessionId, total_energy: 7.5, cdr_location: { id: 'LOC1', evse_uid: 'LOC1-E1', connector_standard: 'IEC_62196_T2' }, charging_periods: [{ dimensions: [{ type: 'ENERGY', volume: 7.5 }] }] });
    const cdrs = await emsp1.call('GET', `${ocpi}/2.2.1/cdrs`);
    t.same(cdrs.body.data.map((c: any) => c.id), [sessionId], 'GET cdrs: the partner’s own');
    t.equal(cdrs.headers.get('x-total-count'), '1');
    t.same((await emsp2.call('GET', `${ocpi}/2.2.1/sessions`)).body.data, [], 'another partner sees no session of this one');

    t.equal((await command('UNLOCK_CONNECTOR', 'c4', { location_id: 'LOC1', evse_uid: 'LOC1-E1', connector_id: '9' })).body.status_code, 2003, 'unknown connector');
    t.equal((await command('UNLOCK_CONNECTOR', 'c5', { location_id: 'LOC1', evse_uid: 'LOC1-E1', connector_id: '1' })).body.data.result, 'ACCEPTED');
    t.same(await resultOf('c5'), { result: 'ACCEPTED' });
    t.match(seen.find(([a]) => a === 'UnlockConnector')?.[1], { connectorId: 1 });

    const expiry = new Date(Date.now() + 3600_000).toISOString();
    t.equal((await command('RESERVE_NOW', 'c6', { token: emsp1.tokens.get('TOKWL'), expiry_date: expiry, reservation_id: '4711', location_id: 'LOC1', evse_uid: 'LOC1-E1' })).body.data.result, 'ACCEPTED');
    t.same(await resultOf('c6'), { result: 'ACCEPTED' });
    const reserved = seen.find(([a]) => a === 'ReserveNow')?.[1];
    t.match(reserved, { connectorId: 1, idTag: 'TOKWL' });
    t.match((await server.apiJson('GET', `/stations/${stationId}/reservations`)).body, { items: [{ reservationId: reserved.reservationId, status: 'accepted' }] }, 'the same reservation record as the REST API makes, under an id Switchyard allocated');
    t.equal((await command('CANCEL_RESERVATION', 'c7', { reservation_id: '4711' })).body.data.result, 'ACCEPTED');
    t.same(await resultOf('c7'), { result: 'ACCEPTED' });
    t.match(seen.find(([a]) => a === 'CancelReservation')?.[1], { reservationId: reserved.reservationId }, 'their reservation_id mapped to ours');
    t.equal((await command('CANCEL_RESERVATION', 'c8', { reservation_id: '999' })).body.data.result, 'REJECTED', 'unknown reservation');
    t.equal((await command('START_SESSION', 'c9', { location_id: 'LOC1' })).body.status_code, 2001, 'token missing');

    // The station is gone: the result says so (sent through the outbox like any push).
    await client.close({ force: true });
    await eventually(async () => (await server.apiJson('GET', `/stations/${stationId}`)).body.connected === false || undefined, 10_000, 'station disconnected').catch(() => undefined);
    t.equal((await command('UNLOCK_CONNECTOR', 'c10', { location_id: 'LOC1', evse_uid: 'LOC1-E1', connector_id: '1' })).body.data.result, 'ACCEPTED');
    t.same(await resultOf('c10'), { result: 'FAILED' });
  });

  t.test('rotation and unregistration from our side', async (t) => {
    const partners = (await server.apiJson('GET', '/roaming/partners')).body.items;
    const two = partners.find((p: any) => p.name === 'eMSP two');
    const oldToken = emsp2.tokenForCsms!;
    const rotated = await server.apiJson('POST', `/roaming/partners/${two.id}/rotate`);
    t.equal(rotated.status, 200, JSON.stringify(rotated.body));
    t.equal(emsp2.received.filter((r) => r.method === 'PUT' && r.path === '/ocpi/2.2.1/credentials').length, 1, 'PUT to their credentials');
    t.not(emsp2.tokenForCsms, oldToken);
    t.equal((await emsp2.call('GET', `${ocpi}/2.2.1/locations`, { token: oldToken })).status, 401, 'the old token is void');
    t.equal((await emsp2.call('GET', `${ocpi}/2.2.1/locations`)).status, 200, 'the new one works');
    const current = emsp2.tokenForCsms!;
    const gone = await server.apiJson('POST', `/roaming/partners/${two.id}/unregister`);
    t.match(gone.body, { partner: { status: 'unregistered' }, theirAnswer: { ok: true } });
    t.equal(emsp2.received.filter((r) => r.method === 'DELETE' && r.path === '/ocpi/2.2.1/credentials').length, 1, 'DELETE to their credentials');
    t.equal((await emsp2.call('GET', `${ocpi}/2.2.1/locations`, { token: current })).status, 401, 'the token they had is void');
  });

  t.test('they update and unregister: PUT then DELETE credentials', async (t) => {
    const before = emsp1.tokenForCsms!;
    const updated = await emsp1.call('PUT', `${ocpi}/2.2.1/credentials`, { body: emsp1.ourCredentials() });
    t.equal(updated.status, 200);
    emsp1.tokenForCsms = updated.body.data.token;
    t.not(emsp1.tokenForCsms, before);
    t.equal((await emsp1.call('GET', `${ocpi}/versions`, { token: before })).status, 401);
    t.equal((await emsp1.call('DELETE', `${ocpi}/2.2.1/credentials`)).status, 200);
    t.equal((await emsp1.call('GET', `${ocpi}/versions`)).status, 401, 'unregistered: the token is void');
  });
});
