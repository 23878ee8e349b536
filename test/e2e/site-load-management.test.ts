import t from 'tap';
import { eventually, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict, type StrictClient, type Version } from '../helpers/ocpp-clients.js';

// Issue #13, site load management, against strict ocpp-rpc stations (they check every request
// against the official schemas): a site of 10 stations (1.6 and 2.0.1) whose sessions start and
// stop while the sum of the limits in the profiles the stations actually received stays under the
// site's limit at every step; a limit below the sum of minimums pauses sessions (0 A); a station
// that stops answering keeps what it holds and the others are allocated around it.

const PASSWORD = 'site-load-password-01';
const LIMIT = 100;

interface Received {
  /** Newest TxDefaultProfile limit (A). */
  txDefault?: number;
  /** Newest TxProfile limit per transaction id. */
  tx: Map<string, number>;
  /** Every profile, in order. */
  log: Array<{ purpose: string; limit: number; transactionId?: string }>;
}

interface Station {
  id: string;
  version: Version;
  client: StrictClient;
  got: Received;
  /** The active transaction (the CSMS's id: 1.6 integer as a string). */
  active?: string;
  silent: boolean;
  seq: number;
}

t.test('site load management end to end', async (t) => {
  const server = await startServer(t, { env: { CSMS_UNKNOWN_TOKENS: 'accept-all', CSMS_SITE_DEBOUNCE_MS: '20', CSMS_CALL_TIMEOUT: '2' } });
  let siteLimit = LIMIT;
  const stations: Station[] = [];
  const violations: string[] = [];

  /** Sum of the Tx limits of sessions holding one: never above the limit, at any frame (decreases go out before increases). */
  const checkFrame = (what: string) => {
    const sum = stations.reduce((acc, s) => acc + (s.active !== undefined ? (s.got.tx.get(s.active) ?? 0) : 0), 0);
    if (sum > siteLimit + 1e-9) violations.push(`${what}: Tx limits sum to ${sum} A > ${siteLimit} A`);
  };
  /** What each active session may draw on now: its TxProfile, or its TxDefaultProfile until it has one. */
  const drawn = () => stations.reduce((acc, s) => acc + (s.active !== undefined ? (s.got.tx.get(s.active) ?? s.got.txDefault ?? Infinity) : 0), 0);

  for (let i = 0; i < 10; i++) {
    const version: Version = i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1';
    const id = `SITE-CP${i}`;
    await server.registerStation(id, PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
    await client.call('BootNotification', bootPayload(version));
    const s: Station = { id, version, client, got: { tx: new Map(), log: [] }, silent: false, seq: 0 };
    client.handle('SetChargingProfile', async ({ params: raw }) => {
      const params = raw as any;
      if (s.silent) return new Promise(() => {});
      const p = version === 'ocpp1.6' ? params.csChargingProfiles : params.chargingProfile;
      const schedule = version === 'ocpp1.6' ? p.chargingSchedule : p.chargingSchedule[0];
      const limit = schedule.chargingSchedulePeriod[0].limit as number;
      const purpose = p.chargingProfilePurpose as string;
      const transactionId = p.transactionId === undefined ? undefined : String(p.transactionId);
      s.got.log.push({ purpose, limit, transactionId });
      if (purpose === 'TxDefaultProfile') s.got.txDefault = limit;
      if (purpose === 'TxProfile') s.got.tx.set(transactionId!, limit);
      checkFrame(`${id} got ${purpose} ${limit} A`);
      return { status: 'Accepted' };
    });
    stations.push(s);
  }

  const created = await server.apiJson('POST', '/sites', { id: 'depot', name: 'Depot', nodes: [{ id: 'grid', parentId: null, limitA: LIMIT }] });
  t.equal(created.status, 201);
  const refused = await server.apiJson('POST', '/sites', { id: 'bad', nodes: [{ id: 'a', parentId: null, limitA: 10 }, { id: 'b', parentId: null, limitKw: 5 }] });
  t.equal(refused.status, 400);
  t.equal(refused.body.code, 'SITE_INVALID', 'two roots: a stable code');
  t.equal((await server.apiJson('POST', '/sites', { id: 'depot', nodes: [{ id: 'grid', parentId: null, limitA: 1 }] })).body.code, 'SITE_EXISTS');
  t.equal((await server.apiJson('POST', '/sites/nope/attachments', { stationId: 'SITE-CP0', nodeId: 'grid' })).body.code, 'SITE_NOT_FOUND');
  t.equal((await server.apiJson('POST', '/sites/depot/attachments', { stationId: 'NOPE', nodeId: 'grid' })).body.code, 'STATION_NOT_FOUND');

  // Attaching sends every station its safe default in advance: 100 A / 10 = 10 A.
  for (const s of stations) {
    const attached = await server.apiJson('POST', '/sites/depot/attachments', { stationId: s.id, evseId: 1, nodeId: 'grid' });
    t.equal(attached.status, 201, `${s.id} attached`);
  }
  await server.apiJson('POST', '/sites', { id: 'other', nodes: [{ id: 'grid', parentId: null, limitA: 50 }] });
  t.equal((await server.apiJson('POST', '/sites/other/attachments', { stationId: 'SITE-CP0', nodeId: 'grid' })).body.code, 'SITE_STATION_ATTACHED');
  await eventually(async () => stations.every((s) => s.got.txDefault === 10), 20_000, 'every station holds a 10 A default');
  t.pass('every station holds a TxDefaultProfile of 10 A');

  const at = () => new Date().toISOString();
  async function start(s: Station): Promise<void> {
    change();
    if (s.version === 'ocpp1.6') {
      const res = (await s.client.call('StartTransaction', { connectorId: 1, idTag: `TAG-${s.id}`, meterStart: 0, timestamp: at() })) as { transactionId: number };
      s.active = String(res.transactionId);
    } else {
      const txId = `tx-${s.id}-${s.seq}`;
      await s.client.call('TransactionEvent', {
        eventType: 'Started', timestamp: at(), triggerReason: 'Authorized', seqNo: s.seq++,
        transactionInfo: { transactionId: txId, chargingState: 'Charging' },
        idToken: { idToken: `TAG-${s.id}`, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 },
      });
      s.active = txId;
    }
  }
  async function stop(s: Station): Promise<void> {
    change();
    if (s.version === 'ocpp1.6') {
      await s.client.call('StopTransaction', { transactionId: Number(s.active), meterStop: 1000, timestamp: at(), reason: 'Local' });
    } else {
      await s.client.call('TransactionEvent', {
        eventType: 'Ended', timestamp: at(), triggerReason: 'StopAuthorized', seqNo: s.seq++,
        transactionInfo: { transactionId: s.active, stoppedReason: 'Local' },
      });
    }
    s.active = undefined;
  }
  /** Waits until the stored allocation covers exactly the active sessions and each reachable station holds its limit; returns it. */
  let mark = new Date().toISOString();
  /** From now on, `settled` waits for an allocation made after this point. */
  const change = () => (mark = new Date().toISOString());
  async function settled(what: string): Promise<Map<string, { limitA: number; paused: boolean }>> {
    return eventually(async () => {
      const site = (await server.apiJson('GET', '/sites/depot')).body;
      if (!site.allocation || site.allocation.at < mark) return false;
      const sessions = new Map<string, { limitA: number; paused: boolean }>((site.allocation?.sessions ?? []).map((x: any) => [x.stationId, x]));
      const active = stations.filter((s) => s.active !== undefined);
      if (sessions.size !== active.length) return false;
      for (const s of active) {
        const x = sessions.get(s.id);
        if (!x) return false;
        if (!s.silent && s.got.tx.get(s.active!) !== x.limitA) return false;
      }
      return sessions;
    }, 20_000, what);
  }
  const limitsOf = (sessions: Map<string, { limitA: number }>) => Object.fromEntries([...sessions].map(([id, x]) => [id, x.limitA]));

  // Sessions start one by one: 32 A (the EVSE rating) while it fits, then an equal share.
  const expectedShare = [32, 32, 32, 25, 20, 16.6];
  for (let i = 0; i < 6; i++) {
    await start(stations[i]!);
    const sessions = await settled(`${i + 1} sessions allocated`);
    t.same(new Set(Object.values(limitsOf(sessions))), new Set([expectedShare[i]]), `${i + 1} sessions: ${expectedShare[i]} A each`);
    t.ok(drawn() <= siteLimit, `${i + 1} sessions: ${drawn()} A drawn ≤ ${siteLimit} A`);
  }
  await stop(stations[0]!);
  await stop(stations[1]!);
  let sessions = await settled('4 sessions after two stops');
  t.same(limitsOf(sessions), { 'SITE-CP2': 25, 'SITE-CP3': 25, 'SITE-CP4': 25, 'SITE-CP5': 25 }, 'stopped sessions free their share');
  t.ok(drawn() <= siteLimit);

  // The live tree: the root's allocated load is the sum of the sessions below it.
  const tree = (await server.apiJson('GET', '/sites/depot')).body.tree;
  t.same(tree.allocatedA, { L1: 100, L2: 100, L3: 100 });
  t.same(tree.headroomA, { L1: 0, L2: 0, L3: 0 });
  t.equal(tree.attachments.length, 10);
  t.match(tree.attachments[2], { stationId: 'SITE-CP2', safeShareA: 10, sessions: [{ limitA: 25, paused: false }] });

  // A limit below the sum of minimums (4 × 6 A > 20 A): the newest session is paused at 0 A,
  // the others share the rest (6.6 A, sent as 6.5 A: see wireLimit); every default drops to 2 A.
  // (Frames are checked against the old limit until the new one is in place: it is lowered first.)
  change();
  const lowered = await server.apiJson('PUT', '/sites/depot', { nodes: [{ id: 'grid', parentId: null, limitA: 20 }] });
  t.equal(lowered.status, 200);
  sessions = await settled('paused allocation');
  siteLimit = 20;
  checkFrame('after lowering');
  t.same(limitsOf(sessions), { 'SITE-CP2': 6.5, 'SITE-CP3': 6.5, 'SITE-CP4': 6.5, 'SITE-CP5': 0 });
  t.equal(sessions.get('SITE-CP5')!.paused, true, 'the newest session is paused');
  t.equal(stations[5]!.got.tx.get(stations[5]!.active!), 0, 'and holds a 0 A TxProfile');
  await eventually(async () => stations.every((s) => s.got.txDefault === 2), 20_000, 'defaults at 2 A');
  t.ok(drawn() <= siteLimit, `${drawn()} A drawn ≤ 20 A`);

  siteLimit = LIMIT;
  change();
  await server.apiJson('PUT', '/sites/depot', { nodes: [{ id: 'grid', parentId: null, limitA: LIMIT }] });
  sessions = await settled('back to 100 A');
  t.same(new Set(Object.values(limitsOf(sessions))), new Set([25]));
  await eventually(async () => stations.every((s) => s.got.txDefault === 10), 20_000, 'defaults back at 10 A');

  // CP9 charges, then stops answering: it keeps its default and its Tx limit; the next sessions
  // are allocated around what it holds (its decrease is never answered).
  const silent = stations[9]!;
  await start(silent);
  sessions = await settled('5 sessions');
  t.equal(sessions.get(silent.id)!.limitA, 20);
  silent.silent = true;
  await start(stations[6]!);
  await start(stations[7]!);
  sessions = await settled('7 sessions around a silent station');
  t.equal(sessions.get(silent.id)!.limitA, 20, 'the silent station is counted at what it holds');
  t.equal(silent.got.tx.get(silent.active!), 20, 'which is what it last received');
  t.equal(silent.got.txDefault, 10, 'and it keeps its default');
  for (const id of ['SITE-CP2', 'SITE-CP3', 'SITE-CP4', 'SITE-CP5', 'SITE-CP6', 'SITE-CP7']) t.equal(sessions.get(id)!.limitA, 13.3, `${id}: (100 − 20) / 6`);
  t.ok(drawn() <= siteLimit, `${drawn()} A drawn ≤ ${siteLimit} A`);

  // NotifyEVChargingNeeds from an attached 2.0.1 station: Accepted, and the transaction gets a
  // TxProfile honouring the EV's maximum (10 A) within the site's share; the others take the rest.
  const ev = stations[7]!;
  const txProfiles = ev.got.log.filter((x) => x.purpose === 'TxProfile').length;
  change();
  const needs = await ev.client.call('NotifyEVChargingNeeds', {
    evseId: 1,
    chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 10, evMaxVoltage: 400 } },
  });
  t.same(needs, { status: 'Accepted' }, 'a station on a site gets its EV needs accepted');
  sessions = await settled('EV needs applied');
  t.equal(sessions.get(ev.id)!.limitA, 10, 'capped at the EV maximum');
  t.equal(ev.got.tx.get(ev.active!), 10, 'and the station received that TxProfile');
  t.ok(ev.got.log.filter((x) => x.purpose === 'TxProfile').length > txProfiles);
  for (const id of ['SITE-CP2', 'SITE-CP3', 'SITE-CP4', 'SITE-CP5', 'SITE-CP6']) t.equal(sessions.get(id)!.limitA, 14, `${id}: (100 − 20 − 10) / 5`);
  t.ok(drawn() <= siteLimit, `${drawn()} A drawn ≤ ${siteLimit} A`);

  t.same(violations, [], 'at no frame did the Tx limits add up beyond the site limit');

  const detached = await server.apiJson('DELETE', '/sites/depot/attachments/SITE-CP0');
  t.equal(detached.status, 200);
  t.equal(detached.body.attachments.length, 9);
  t.equal((await server.apiJson('DELETE', '/sites/depot/attachments/SITE-CP0')).body.code, 'SITE_ATTACHMENT_NOT_FOUND');
  const listed = await server.apiJson('GET', '/sites');
  t.same(listed.body.items.map((s: { id: string }) => s.id), ['depot', 'other']);
  t.equal((await server.apiJson('DELETE', '/sites/other')).status, 204);
});
