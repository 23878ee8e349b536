import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';
import { EmspSimulator } from '../helpers/emsp-simulator.js';
import { problems } from '../helpers/ocpi-schemas.js';

// Issue #16, OCPI 2.2.1 receiver modules beside tokens and commands: chargingprofiles (§14: a
// partner sets, reads and clears the profile of its session; a strict ocpp-rpc 1.6 station gets
// SetChargingProfile / GetCompositeSchedule / ClearChargingProfile and its answers come back as
// the asynchronous results, each checked against the spec's object tables; a profile the operator
// sets is pushed to the partner as the session's new ActiveChargingProfile) and hubclientinfo
// (§15: a hub tells us about the parties behind it). Plus the bad input of the issue for them:
// missing or wrong tokens, unknown objects, malformed bodies naming the field, duplicate and
// out-of-order pushes.

const PASSWORD = 'ocpi-profile-pw-0001';
const STATION = 'OCPI-CP1';

t.test('OCPI chargingprofiles and hubclientinfo receivers', async (t) => {
  // CSMS_CALL_TIMEOUT: a station that does not answer is given up after 2 s (the timeout case).
  const server = await startServer(t, { env: { CSMS_OCPI_TICK_MS: '100', CSMS_OCPI_RETRY_BASE_MS: '100', CSMS_OCPI_RETRY_MAX_MS: '500', CSMS_OCPI_TIMEOUT_MS: '2000', CSMS_CALL_TIMEOUT: '2', CSMS_OCPI_ACTIVE_PROFILE_DEBOUNCE_MS: '200', CSMS_LOG_LEVEL: 'info' } });
  const ocpi = `${server.apiUrl}/ocpi/2.2.1`;
  t.equal((await server.apiJson('POST', '/roaming/parties', { countryCode: 'NL', partyId: 'SWY', name: 'Switchyard NL' })).status, 201);
  const register = async (sim: EmspSimulator) => {
    const invite = await server.apiJson('POST', '/roaming/partners', { name: `${sim.role} ${sim.partyId}` });
    const { answer } = await sim.registerWith(invite.body.versionsUrl, invite.body.tokenA);
    t.equal(answer.status, 200, `${sim.partyId} registered`);
    return invite.body as { partner: { id: string }; tokenA: string };
  };
  const emsp = await new EmspSimulator('DE', 'EM1').start(t);
  const other = await new EmspSimulator('BE', 'EM2').start(t);
  const hub = await new EmspSimulator('DE', 'HUB', 'HUB').start(t);
  await register(emsp);
  await register(other);
  const hubInvite = await register(hub);

  t.test('versions: both modules listed as receivers', async (t) => {
    const details = await emsp.call('GET', ocpi);
    const endpoints = details.body.data.endpoints.map((e: any) => `${e.identifier}:${e.role}:${e.url}`);
    t.ok(endpoints.includes(`chargingprofiles:RECEIVER:${ocpi}/chargingprofiles`));
    t.ok(endpoints.includes(`hubclientinfo:RECEIVER:${ocpi}/hubclientinfo`));
  });

  t.test('tokens: missing 401/2001, unknown 401/2004, token A 401, for the new modules too', async (t) => {
    for (const path of ['/chargingprofiles/1', '/hubclientinfo/FR/ABC', '/locations']) {
      const none = await emsp.call('GET', `${ocpi}${path}`, { token: null });
      t.same([none.status, none.body.status_code], [401, 2001], `${path}: no Authorization header`);
      t.equal(problems('envelope', none.body), undefined);
      const notToken = await emsp.call('GET', `${ocpi}${path}`, { token: null, headers: { authorization: 'Bearer abc' } });
      t.same([notToken.status, notToken.body.status_code], [401, 2001], `${path}: not the Token scheme`);
      const unknown = await emsp.call('GET', `${ocpi}${path}`, { token: 'nobody-has-this-token' });
      t.same([unknown.status, unknown.body.status_code], [401, 2004], `${path}: unknown token`);
    }
    const invite = await server.apiJson('POST', '/roaming/partners', { name: 'not yet registered' });
    const tokenA = await emsp.call('GET', `${ocpi}/hubclientinfo/FR/ABC`, { token: invite.body.tokenA });
    t.same([tokenA.status, tokenA.body.status_code], [401, 2004], 'token A: only versions and credentials');
    t.ok(await eventually(async () => (/OCPI request refused/).test(server.output().stdout), 30_000, 'logged'), 'logged');
  });

  // A location on the station, a token of the eMSP, a transaction: the partner's session.
  await server.registerStation(STATION, PASSWORD);
  const put = await server.apiJson('PUT', '/locations/LOCP', {
    country_code: 'NL', party_id: 'SWY', id: 'LOCP', publish: true, address: 'Stationsplein 1', city: 'Utrecht', country: 'NLD',
    coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
    evses: [{
      uid: 'LOCP-E1', evse_id: 'NL*SWY*EP1', capabilities: ['CHARGING_PROFILE_CAPABLE'], ocpp: { stationId: STATION, evseId: 1 },
      connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }],
    }],
  });
  t.equal(put.status, 201, JSON.stringify(put.body));
  const tokenPut = await emsp.call('PUT', `${ocpi}/tokens/DE/EM1/TOKCP`, { body: emsp.token('TOKCP', 'ALWAYS') });
  t.equal(tokenPut.status, 201);

  const station = await connectStrict(t, { endpoint: server.ocppUrl, identity: STATION, password: PASSWORD, version: 'ocpp1.6' });
  await station.call('BootNotification', bootPayload('ocpp1.6'));
  const calls: Array<[string, any]> = [];
  let answer: 'Accepted' | 'Rejected' | 'silent' = 'Accepted';
  const reply = <T>(value: T): Promise<T> => (answer === 'silent' ? new Promise<T>(() => undefined) : Promise.resolve(value));
  station.handle('SetChargingProfile', async ({ params }) => (calls.push(['SetChargingProfile', params]), reply({ status: answer })));
  station.handle('ClearChargingProfile', async ({ params }) => (calls.push(['ClearChargingProfile', params]), reply({ status: answer === 'Accepted' ? 'Accepted' : 'Unknown' })));
  const scheduleStart = new Date().toISOString();
  station.handle('GetCompositeSchedule', async ({ params }) => (calls.push(['GetCompositeSchedule', params]), reply(answer === 'Accepted'
    ? { status: 'Accepted', connectorId: 1, scheduleStart, chargingSchedule: { duration: 900, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 600, limit: 7400 }] } }
    : { status: 'Rejected' })));
  const started = (await station.call('StartTransaction', { connectorId: 1, idTag: 'TOKCP', meterStart: 0, timestamp: new Date().toISOString() })) as any;
  t.equal(started.idTagInfo.status, 'Accepted');
  const sessionId = String(started.transactionId);
  await eventually(async () => emsp.received.some((r) => r.method === 'PUT' && r.path === `/ocpi/emsp/2.2.1/sessions/NL/SWY/${sessionId}`), 15_000, 'session pushed');

  const profile = { charging_rate_unit: 'W', min_charging_rate: 1400, charging_profile_period: [{ start_period: 0, limit: 11000 }, { start_period: 1800, limit: 7400 }] };
  const setProfile = (sim: EmspSimulator, session: string, id: string, body: Record<string, unknown> = { charging_profile: profile }) =>
    sim.call('PUT', `${ocpi}/chargingprofiles/${session}`, { body: { response_url: sim.profileResponseUrl('set', id), ...body } });
  const resultOf = (kind: 'set' | 'get' | 'clear', id: string) => eventually(async () => emsp.profileResults(kind, id)[0], 15_000, `${kind} result ${id}`);

  t.test('PUT: SetChargingProfile on the session’s station, ChargingProfileResult to response_url', async (t) => {
    const response = await setProfile(emsp, sessionId, 's1');
    t.equal(response.status, 200);
    t.equal(response.body.status_code, 1000);
    t.same(response.body.data, { result: 'ACCEPTED', timeout: 60 });
    t.equal(problems('chargingProfileResponse', response.body.data), undefined, 'ChargingProfileResponse per §14.3');
    const result = await resultOf('set', 's1');
    t.same(result.body, { result: 'ACCEPTED' });
    t.equal(result.problems, undefined, 'ChargingProfileResult per §14.3');
    t.equal(result.headers.authorization, `Token ${Buffer.from(emsp.tokenForCpo).toString('base64')}`);
    const sent = calls.filter(([a]) => a === 'SetChargingProfile').at(-1)![1];
    t.match(sent, {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', transactionId: started.transactionId,
        chargingSchedule: { chargingRateUnit: 'W', minChargingRate: 1400, chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 1800, limit: 7400 }] },
      },
    }, 'a TxProfile of the session’s transaction');
    const kept = await server.apiJson('GET', `/stations/${STATION}/charging-profiles`);
    t.match(kept.body.set, [{ evseId: 1, profile: { id: sent.csChargingProfiles.chargingProfileId, purpose: 'Tx' } }], 'kept like a REST SetChargingProfile (same command)');

    const again = await setProfile(emsp, sessionId, 's2', { charging_profile: { ...profile, start_date_time: new Date().toISOString(), charging_profile_period: [{ start_period: 0, limit: 3700 }] } });
    t.equal(again.body.data.result, 'ACCEPTED');
    t.same((await resultOf('set', 's2')).body, { result: 'ACCEPTED' });
    const replaced = calls.filter(([a]) => a === 'SetChargingProfile').at(-1)![1];
    t.equal(replaced.csChargingProfiles.chargingProfileId, sent.csChargingProfiles.chargingProfileId, 'a new PUT replaces the profile (same id)');
    t.equal(replaced.csChargingProfiles.chargingProfileKind, 'Absolute', 'start_date_time: an absolute profile');
  });

  t.test('PUT: the station rejects, or does not answer: REJECTED', async (t) => {
    answer = 'Rejected';
    t.equal((await setProfile(emsp, sessionId, 's3')).body.data.result, 'ACCEPTED', 'the CPO could send it');
    t.same((await resultOf('set', 's3')).body, { result: 'REJECTED' }, 'the station refused');
    answer = 'silent';
    t.equal((await setProfile(emsp, sessionId, 's4')).body.data.result, 'ACCEPTED');
    const late = await resultOf('set', 's4');
    t.same(late.body, { result: 'REJECTED' }, 'no answer within the call timeout: REJECTED (§14.4 has no TIMEOUT result)');
    t.equal(late.problems, undefined);
    answer = 'Accepted';
  });

  t.test('GET: GetCompositeSchedule → ActiveChargingProfileResult', async (t) => {
    const response = await emsp.call('GET', `${ocpi}/chargingprofiles/${sessionId}?duration=900&response_url=${encodeURIComponent(emsp.profileResponseUrl('get', 'g1'))}`);
    t.same(response.body.data, { result: 'ACCEPTED', timeout: 60 });
    const result = await resultOf('get', 'g1');
    t.equal(result.problems, undefined, 'ActiveChargingProfileResult per §14.3');
    t.same(result.body, {
      result: 'ACCEPTED',
      profile: {
        start_date_time: scheduleStart,
        charging_profile: { start_date_time: scheduleStart, duration: 900, charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11000 }, { start_period: 600, limit: 7400 }] },
      },
    });
    t.match(calls.filter(([a]) => a === 'GetCompositeSchedule').at(-1)![1], { connectorId: 1, duration: 900 });
    answer = 'Rejected';
    await emsp.call('GET', `${ocpi}/chargingprofiles/${sessionId}?duration=60&response_url=${encodeURIComponent(emsp.profileResponseUrl('get', 'g2'))}`);
    t.same((await resultOf('get', 'g2')).body, { result: 'REJECTED' });
    answer = 'Accepted';
    const missing = await emsp.call('GET', `${ocpi}/chargingprofiles/${sessionId}?duration=60`);
    t.same([missing.status, missing.body.status_code], [400, 2001]);
    t.match(missing.body.status_message, /response_url/, 'names the missing parameter');
    const bad = await emsp.call('GET', `${ocpi}/chargingprofiles/${sessionId}?duration=soon&response_url=${encodeURIComponent(emsp.profileResponseUrl('get', 'g3'))}`);
    t.same([bad.status, bad.body.status_code], [400, 2001]);
    t.match(bad.body.status_message, /duration/);
  });

  t.test('DELETE: ClearChargingProfile of the partner’s profile → ClearProfileResult', async (t) => {
    const set = calls.filter(([a]) => a === 'SetChargingProfile').at(-1)![1];
    const del = (id: string) => emsp.call('DELETE', `${ocpi}/chargingprofiles/${sessionId}?response_url=${encodeURIComponent(emsp.profileResponseUrl('clear', id))}`);
    t.same((await del('d1')).body.data, { result: 'ACCEPTED', timeout: 60 });
    const result = await resultOf('clear', 'd1');
    t.same(result.body, { result: 'ACCEPTED' });
    t.equal(result.problems, undefined, 'ClearProfileResult per §14.3');
    t.match(calls.filter(([a]) => a === 'ClearChargingProfile').at(-1)![1], { id: set.csChargingProfiles.chargingProfileId });
    t.same((await server.apiJson('GET', `/stations/${STATION}/charging-profiles`)).body.set, [], 'forgotten like a REST ClearChargingProfile');
    const clears = calls.filter(([a]) => a === 'ClearChargingProfile').length;
    await del('d2');
    t.same((await resultOf('clear', 'd2')).body, { result: 'UNKNOWN' }, 'nothing of theirs left: UNKNOWN');
    t.equal(calls.filter(([a]) => a === 'ClearChargingProfile').length, clears, 'and the station not asked');
  });

  t.test('the operator sets a profile on the station: the partner is sent the session’s new active charging profile (Sender PUT, §14.2.2)', async (t) => {
    const composites = () => calls.filter(([a]) => a === 'GetCompositeSchedule');
    const before = composites().length;
    // The partner's own set and clear: it has their results; nothing is asked of the station, nothing pushed.
    t.same((await setProfile(emsp, sessionId, 'own1')).body.data.result, 'ACCEPTED');
    t.same((await resultOf('set', 'own1')).body, { result: 'ACCEPTED' });
    await emsp.call('DELETE', `${ocpi}/chargingprofiles/${sessionId}?response_url=${encodeURIComponent(emsp.profileResponseUrl('clear', 'own2'))}`);
    t.same((await resultOf('clear', 'own2')).body, { result: 'ACCEPTED' });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // five times the debounce
    t.equal(composites().length, before, 'the station was not asked for its composite schedule');
    t.same(emsp.activeProfiles(sessionId), [], 'the partner’s own profiles, set and cleared, are not echoed back');
    const operatorProfile = (id: number) => ({ id, stackLevel: 3, purpose: 'TxDefault', kind: 'Absolute', schedules: [{ id: 1, startSchedule: new Date().toISOString(), unit: 'W', periods: [{ startPeriod: 0, limit: 7400 }] }] });
    t.same((await server.apiJson('POST', `/stations/${STATION}/charging-profiles`, { evseId: 1, profile: operatorProfile(501) })).body, { status: 'Accepted', protocol: 'ocpp1.6' });
    const pushed = await eventually(async () => emsp.activeProfiles(sessionId)[0], 15_000, 'the active profile pushed');
    t.equal(pushed.problems, undefined, 'ActiveChargingProfile per §14.4');
    t.same(pushed.body, {
      start_date_time: scheduleStart,
      charging_profile: { start_date_time: scheduleStart, duration: 900, charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11000 }, { start_period: 600, limit: 7400 }] },
    }, 'the station’s composite schedule of the session’s EVSE');
    t.equal(pushed.headers.authorization, `Token ${Buffer.from(emsp.tokenForCpo).toString('base64')}`);
    t.match(composites().at(-1)![1], { connectorId: 1, duration: 86_400 });
    t.equal(other.activeProfiles(sessionId).length, 0, 'only the session’s partner');
    t.ok(await eventually(async () => (/OCPI active charging profile pushed to the partner/).test(server.output().stdout), 15_000, 'the log line'), 'logged');

    const again = await server.apiJson('POST', `/stations/${STATION}/charging-profiles`, { evseId: 1, profile: { ...operatorProfile(501), stackLevel: 4 } });
    t.equal(again.body.status, 'Accepted', JSON.stringify(again.body));
    await eventually(async () => composites().length >= before + 2, 15_000, 'asked again');
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.equal(emsp.activeProfiles(sessionId).length, 1, 'the same active profile is not pushed again');
  });

  t.test('unknown sessions, other partners’ sessions, malformed bodies', async (t) => {
    const unknown = await setProfile(emsp, 'no-such-session', 'u1');
    t.same([unknown.status, unknown.body.status_code, unknown.body.data.result], [200, 1000, 'UNKNOWN_SESSION'], 'unknown session: ChargingProfileResponse UNKNOWN_SESSION');
    t.equal(problems('chargingProfileResponse', unknown.body.data), undefined);
    const theirs = await setProfile(other, sessionId, 'u2');
    t.equal(theirs.body.data.result, 'UNKNOWN_SESSION', 'another partner’s session is not theirs to see');
    const del = await other.call('DELETE', `${ocpi}/chargingprofiles/${sessionId}?response_url=${encodeURIComponent(other.profileResponseUrl('clear', 'u3'))}`);
    t.equal(del.body.data.result, 'UNKNOWN_SESSION');
    const noUnit = await setProfile(emsp, sessionId, 'm1', { charging_profile: { charging_profile_period: [{ start_period: 0, limit: 10 }] } });
    t.same([noUnit.status, noUnit.body.status_code], [400, 2001]);
    t.match(noUnit.body.status_message, /charging_profile\/charging_rate_unit/, 'names the field');
    const noUrl = await emsp.call('PUT', `${ocpi}/chargingprofiles/${sessionId}`, { body: { charging_profile: profile } });
    t.match([noUrl.status, noUrl.body.status_code, noUrl.body.status_message], [400, 2001, /response_url/]);
    const badPeriod = await setProfile(emsp, sessionId, 'm2', { charging_profile: { ...profile, charging_profile_period: [{ start_period: -5, limit: 10 }] } });
    t.match([badPeriod.status, badPeriod.body.status_code, badPeriod.body.status_message], [400, 2001, /charging_profile_period\/0\/start_period/]);
    const notJson = await emsp.call('PUT', `${ocpi}/chargingprofiles/${sessionId}`, { body: '{"charging_profile": ' });
    t.same([notJson.status, notJson.body.status_code], [400, 2001], 'not JSON');
    t.equal(emsp.profileResults('set', 'm1').length + emsp.profileResults('set', 'u1').length, 0, 'no result for what was refused');
  });

  t.test('a finished session: REJECTED', async (t) => {
    await station.call('StopTransaction', { transactionId: started.transactionId, meterStop: 4000, timestamp: new Date().toISOString(), idTag: 'TOKCP' });
    const ended = await setProfile(emsp, sessionId, 'e1');
    t.equal(ended.body.data.result, 'REJECTED');
  });

  t.test('a 2.0.1 station: SetChargingProfile and GetCompositeSchedule of 2.0.1, the same results', async (t) => {
    const id = 'OCPI-CP2';
    await server.registerStation(id, PASSWORD);
    const loc = await server.apiJson('PUT', '/locations/LOCP2', {
      country_code: 'NL', party_id: 'SWY', id: 'LOCP2', publish: true, address: 'Stationsplein 3', city: 'Utrecht', country: 'NLD',
      coordinates: { latitude: '52.089444', longitude: '5.110278' }, time_zone: 'Europe/Amsterdam',
      evses: [{ uid: 'LOCP2-E1', ocpp: { stationId: id, evseId: 1 }, connectors: [{ id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32 }] }],
    });
    t.equal(loc.status, 201);
    t.equal((await emsp.call('PUT', `${ocpi}/tokens/DE/EM1/TOKCP2`, { body: emsp.token('TOKCP2', 'ALWAYS') })).status, 201);
    const station2 = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version: 'ocpp2.0.1' });
    await station2.call('BootNotification', bootPayload('ocpp2.0.1'));
    const seen: Array<[string, any]> = [];
    station2.handle('SetChargingProfile', async ({ params }) => (seen.push(['SetChargingProfile', params]), { status: 'Accepted' }));
    const start2 = new Date().toISOString();
    station2.handle('GetCompositeSchedule', async ({ params }) => (seen.push(['GetCompositeSchedule', params]), {
      status: 'Accepted', schedule: { evseId: 1, duration: 600, scheduleStart: start2, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    }));
    await station2.call('TransactionEvent', {
      eventType: 'Started', triggerReason: 'Authorized', seqNo: 0, timestamp: new Date().toISOString(), transactionInfo: { transactionId: 'tx-ocpi-2' },
      evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'TOKCP2', type: 'ISO14443' },
    });
    await eventually(async () => emsp.received.some((r) => r.method === 'PUT' && r.path === '/ocpi/emsp/2.2.1/sessions/NL/SWY/tx-ocpi-2'), 15_000, 'session pushed');
    const set = await setProfile(emsp, 'tx-ocpi-2', 'v2s', { charging_profile: { charging_rate_unit: 'A', charging_profile_period: [{ start_period: 0, limit: 16 }, { start_period: 600, limit: 8 }] } });
    t.same(set.body.data, { result: 'ACCEPTED', timeout: 60 });
    t.same((await resultOf('set', 'v2s')).body, { result: 'ACCEPTED' });
    t.match(seen.find(([a]) => a === 'SetChargingProfile')?.[1], {
      evseId: 1,
      chargingProfile: { chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', transactionId: 'tx-ocpi-2', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 600, limit: 8 }] }] },
    });
    await emsp.call('GET', `${ocpi}/chargingprofiles/tx-ocpi-2?duration=600&response_url=${encodeURIComponent(emsp.profileResponseUrl('get', 'v2g'))}`);
    const active = await resultOf('get', 'v2g');
    t.equal(active.problems, undefined);
    t.same(active.body, { result: 'ACCEPTED', profile: { start_date_time: start2, charging_profile: { start_date_time: start2, duration: 600, charging_rate_unit: 'A', charging_profile_period: [{ start_period: 0, limit: 16 }] } } });
    t.match(seen.find(([a]) => a === 'GetCompositeSchedule')?.[1], { evseId: 1, duration: 600 });
  });

  t.test('tokens: an out-of-order PATCH and a duplicate PUT change nothing', async (t) => {
    const current = emsp.tokens.get('TOKCP');
    const stale = await emsp.call('PATCH', `${ocpi}/tokens/DE/EM1/TOKCP`, { body: { valid: false, last_updated: '2020-01-01T00:00:00Z' } });
    t.same([stale.status, stale.body.status_code], [200, 1000], 'answered 1000…');
    t.equal((await emsp.call('GET', `${ocpi}/tokens/DE/EM1/TOKCP`)).body.data.valid, true, '…and ignored');
    const dup = await emsp.call('PUT', `${ocpi}/tokens/DE/EM1/TOKCP`, { body: current });
    t.same([dup.status, dup.body.status_code], [200, 1000], 'the same push again: 200');
    t.same((await emsp.call('GET', `${ocpi}/tokens/DE/EM1/TOKCP`)).body.data, { ...current, last_updated: new Date(current.last_updated).toISOString() });
  });

  t.test('hubclientinfo: the hub pushes ClientInfo per party, kept per hub', async (t) => {
    const info = (status: string, lastUpdated: string, extra: Record<string, unknown> = {}) => ({ party_id: 'ABC', country_code: 'FR', role: 'EMSP', status, last_updated: lastUpdated, ...extra });
    const url = `${ocpi}/hubclientinfo/FR/ABC`;
    const t1 = new Date(Date.now() - 60_000).toISOString();
    const created = await hub.call('PUT', url, { body: info('CONNECTED', t1) });
    t.same([created.status, created.body.status_code], [201, 1000]);
    const got = await hub.call('GET', url);
    t.equal(got.status, 200);
    t.equal(problems('clientInfo', got.body.data), undefined, 'ClientInfo per §15.3');
    t.same(got.body.data, info('CONNECTED', t1));
    t.same((await hub.call('PUT', url, { body: info('CONNECTED', t1) })).status, 200, 'a duplicate push: 200');
    const older = await hub.call('PUT', url, { body: info('OFFLINE', new Date(Date.now() - 3_600_000).toISOString()) });
    t.same([older.status, older.body.status_code], [200, 1000], 'an older push is answered…');
    t.equal((await hub.call('GET', url)).body.data.status, 'CONNECTED', '…and ignored');
    const t2 = new Date().toISOString();
    t.equal((await hub.call('PUT', url, { body: info('SUSPENDED', t2) })).status, 200);
    t.equal((await hub.call('GET', url)).body.data.status, 'SUSPENDED', 'a newer one wins');

    const listed = await server.apiJson('GET', `/roaming/partners/${hubInvite.partner.id}/clients`);
    t.equal(listed.status, 200);
    t.same(listed.body.items, [info('SUSPENDED', t2)], 'the operator sees what the hub said');

    const unknown = await hub.call('GET', `${ocpi}/hubclientinfo/FR/ZZZ`);
    t.same([unknown.status, unknown.body.status_code], [404, 2003], 'a party never reported: 2003');
    const mismatch = await hub.call('PUT', url, { body: info('CONNECTED', t2, { party_id: 'XYZ' }) });
    t.same([mismatch.status, mismatch.body.status_code], [400, 2001], 'party of the URL');
    const noStatus = await hub.call('PUT', url, { body: { party_id: 'ABC', country_code: 'FR', role: 'EMSP', last_updated: t2 } });
    t.match([noStatus.status, noStatus.body.status_code, noStatus.body.status_message], [400, 2001, /status/], 'names the missing field');
    const badStatus = await hub.call('PUT', url, { body: info('ASLEEP', t2) });
    t.match([badStatus.status, badStatus.body.status_code, badStatus.body.status_message], [400, 2001, /status/]);
    const notHub = await emsp.call('PUT', url, { body: info('CONNECTED', t2) });
    t.same([notHub.status, notHub.body.status_code], [403, 2000], 'only a hub pushes ClientInfo');
    t.same((await emsp.call('GET', url)).status, 403);
  });
});
