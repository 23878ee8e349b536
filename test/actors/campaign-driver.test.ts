import t from 'tap';
import { join } from 'node:path';
import { SqliteStore } from '../../adapters/store/sqlite-store.js';
import { CampaignDriver, CAMPAIGN_PROGRESS } from '../../actors/commands/campaign-driver.js';
import type { StationCommands } from '../../actors/commands/station-commands.js';
import { failedReply, resultReply, type BusEvent } from '../../core/envelope.js';
import { newCampaign } from '../../core/firmware-campaign.js';
import type { Store } from '../../core/ports/store/store.js';

// The campaign driver against a real SQLite store and a scripted station-commands service: what
// it publishes, that two nodes never both send to a station (the lease), and that a campaign
// continues after a restart from what the store holds.

/** A commands service whose stations accept UpdateFirmware and record the request like the real `correlated` spec does. */
function fakeCommands(store: Store, online: (id: string) => boolean) {
  const sent: string[] = [];
  const commands: Pick<StationCommands, 'run'> = {
    async run(tenantId, stationId, command, input) {
      const { action } = command.toOcpp('ocpp2.0.1', input);
      if (!online(stationId)) return { reply: failedReply('disconnected', 'not connected') };
      sent.push(stationId);
      const requestId = await store.requests.create({ tenantId, stationId, action, at: new Date().toISOString() });
      await store.requests.applyAnswer(tenantId, stationId, requestId, { status: 'Accepted' }, new Date().toISOString());
      return { reply: { ...resultReply({ status: 'Accepted' }), facts: { requestId } }, sent: { protocol: 'ocpp2.0.1', action } };
    },
  };
  return { commands, sent };
}

async function install(store: Store, tenantId: string, stationId: string, requestId: number, status = 'Installed') {
  await store.requests.applyNotification(tenantId, stationId, requestId, { action: 'FirmwareStatusNotification', status }, new Date().toISOString());
}

const ids = ['A', 'B', 'C', 'D'];
const make = (id: string, rollout = {}) =>
  newCampaign({ tenantId: 't1', id, firmware: { location: 'https://fw.example/x.bin' }, target: { stationIds: ids }, rollout: { waves: [1], concurrency: 2, ...rollout } }, ids, new Date().toISOString());

t.test('publishes campaign.progress for each station change and completes', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const events: BusEvent[] = [];
  const { commands, sent } = fakeCommands(store, () => true);
  const driver = new CampaignDriver({ store, commands, publish: (e) => events.push(e), nodeId: 'n1', tickMs: 1000 });
  await store.campaigns.create(make('c1'));
  await driver.pass();
  t.same(sent, ['A'], 'the canary');
  const c1 = (await store.campaigns.get('t1', 'c1'))!;
  t.match(c1.lease, { nodeId: 'n1' });
  await install(store, 't1', 'A', c1.stations[0]!.requestId!);
  await driver.pass();
  t.same(sent, ['A', 'B', 'C'], 'then the rest, two at a time');
  const c2 = (await store.campaigns.get('t1', 'c1'))!;
  for (const s of c2.stations.slice(1, 3)) await install(store, 't1', s.stationId, s.requestId!);
  await driver.pass();
  const c3 = (await store.campaigns.get('t1', 'c1'))!;
  await install(store, 't1', 'D', c3.stations[3]!.requestId!);
  await driver.pass();
  const done = (await store.campaigns.get('t1', 'c1'))!;
  t.equal(done.status, 'complete');
  const forA = events.filter((e) => e.type === CAMPAIGN_PROGRESS && e.stationId === 'A').map((e) => (e.payload as { state: string }).state);
  t.same(forA, ['downloading', 'installed'], 'A: sent, installed');
  const last = events[events.length - 1]!;
  t.match(last, { type: CAMPAIGN_PROGRESS, tenantId: 't1', stationId: 'D', payload: { campaignId: 'c1', campaignStatus: 'complete', state: 'installed', progress: { installed: 4, total: 4 } } });
  // The API's pause / abort are announced through the driver too.
  const { control } = await import('../../core/firmware-campaign.js');
  await store.campaigns.create(make('c1b'));
  const fresh = (await store.campaigns.get('t1', 'c1b'))!;
  const aborted = control(fresh, 'abort', new Date().toISOString());
  if ('error' in aborted) throw new Error(aborted.error);
  events.length = 0;
  driver.announce(fresh, aborted.campaign);
  t.same(events.map((e) => [e.stationId, (e.payload as { state: string }).state, (e.payload as { campaignStatus: string }).campaignStatus]), ids.map((id) => [id, 'aborted', 'aborted']));
  await driver.stop();
});

t.test('two nodes on one store: one drives, the other waits for its lease', async (t) => {
  const store = new SqliteStore({ path: ':memory:' });
  t.teardown(() => store.close());
  const one = fakeCommands(store, () => true);
  const two = fakeCommands(store, () => true);
  const n1 = new CampaignDriver({ store, commands: one.commands, publish: () => {}, nodeId: 'n1', tickMs: 1000 });
  const n2 = new CampaignDriver({ store, commands: two.commands, publish: () => {}, nodeId: 'n2', tickMs: 1000 });
  await store.campaigns.create(make('c2', { waves: [], concurrency: 4 }));
  await Promise.all([n1.pass(), n2.pass()]);
  t.equal(one.sent.length + two.sent.length, 4, 'every station sent once');
  t.same([...one.sent, ...two.sent].sort(), ids, 'no station twice');
  t.ok(one.sent.length === 0 || two.sent.length === 0, 'all by one node');
  const holder = one.sent.length > 0 ? 'n1' : 'n2';
  t.match((await store.campaigns.get('t1', 'c2'))!.lease, { nodeId: holder });
  await Promise.all([n1.pass(), n2.pass()]);
  t.equal(one.sent.length + two.sent.length, 4, 'nothing sent again');
  // A graceful stop hands the lease back; the other node takes over at once.
  await (holder === 'n1' ? n1 : n2).stop();
  t.equal((await store.campaigns.get('t1', 'c2'))!.lease, null);
  const other = holder === 'n1' ? n2 : n1;
  await other.pass();
  t.match((await store.campaigns.get('t1', 'c2'))!.lease, { nodeId: holder === 'n1' ? 'n2' : 'n1' });
  await other.stop();
});

t.test('a restart continues the campaign from the store; an offline station is sent it when it connects', async (t) => {
  const path = join(t.testdir({}), 'campaigns.sqlite');
  let store = new SqliteStore({ path });
  const online = new Set(['A', 'B', 'C']);
  let fake = fakeCommands(store, (id) => online.has(id));
  let driver = new CampaignDriver({ store, commands: fake.commands, publish: () => {}, nodeId: 'before', tickMs: 1000 });
  await store.campaigns.create(make('c3', { waves: [], concurrency: 4, offlineRetrySec: 3600, retryDelaySec: 0 }));
  await driver.pass();
  t.same(fake.sent, ['A', 'B', 'C']);
  const before = (await store.campaigns.get('t1', 'c3'))!;
  t.match(before.stations[3], { stationId: 'D', state: 'pending', waiting: 'offline' });
  await driver.stop();
  await store.close();

  // Restarted: a new store connection and driver (another node id), statuses arriving meanwhile.
  store = new SqliteStore({ path });
  t.teardown(() => store.close());
  for (const s of before.stations.slice(0, 3)) await install(store, 't1', s.stationId, s.requestId!, s.stationId === 'B' ? 'InstallationFailed' : 'Installed');
  fake = fakeCommands(store, (id) => online.has(id));
  driver = new CampaignDriver({ store, commands: fake.commands, publish: () => {}, nodeId: 'after', tickMs: 1000 });
  await driver.pass();
  const after = (await store.campaigns.get('t1', 'c3'))!;
  t.match(after.stations.map((s) => s.state), ['installed', 'downloading', 'installed', 'pending'], 'B retried (attempt 2), D still offline');
  t.same(fake.sent, ['B']);
  online.add('D');
  driver.stationConnected('D');
  await driver.settled();
  t.same(fake.sent, ['B', 'D'], 'D sent the update once it connected');
  await driver.stop();
});
