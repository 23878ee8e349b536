import t from 'tap';
import { BUS_EVENT_OF, PruneSchedule, boundedPayload, MAX_PAYLOAD_CHARS, requestIdOf, STATION_EVENT_KINDS, STATUS_KINDS } from '../../core/station-events.js';

t.test('boundedPayload keeps small payloads as they are and cuts large ones, saying so', async (t) => {
  const small = { techInfo: 'x'.repeat(100) };
  t.equal(boundedPayload(small), small);
  const large = { data: 'y'.repeat(MAX_PAYLOAD_CHARS) };
  const cut = boundedPayload(large);
  t.equal(cut.truncated, true);
  t.equal(cut.size, JSON.stringify(large).length);
  t.equal((cut.text as string).length, MAX_PAYLOAD_CHARS);
  t.ok(JSON.stringify(large).startsWith(cut.text as string));
  t.same(boundedPayload({ a: 'abcdef' }, 5), { truncated: true, size: 14, text: '{"a":' }, 'the limit is a parameter');
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  t.match(boundedPayload({ data: deep }), { truncated: true, size: 210, text: /^\{"data":\[\[\[/, reason: /deeper than 64/ }, 'deeper than 64 levels: text');
  let shallow: unknown = 1;
  for (let i = 0; i < 60; i++) shallow = [shallow];
  t.same(boundedPayload({ data: shallow }), { data: shallow }, '60 levels kept as JSON');
});

t.test('requestIdOf: only non-negative safe integers name a request', async (t) => {
  t.equal(requestIdOf(0), 0);
  t.equal(requestIdOf(42), 42);
  for (const v of [-1, 1.5, '3', null, undefined, Number.MAX_SAFE_INTEGER + 2, NaN]) t.equal(requestIdOf(v), null, String(v));
});

t.test('every kind has a bus event; status kinds are kinds', async (t) => {
  for (const kind of STATION_EVENT_KINDS) t.match(BUS_EVENT_OF[kind], /^[a-z-]+\.[a-z-]+$/, kind);
  for (const kind of STATUS_KINDS) t.ok(STATION_EVENT_KINDS.includes(kind), kind);
});

t.test('every station-message bus event is documented (nats-subjects.md, asyncapi.yaml)', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const { eventSuffix } = await import('../../adapters/bus/nats-subjects.js');
  const { DEVICE_MODEL_REPORTED } = await import('../../core/station-events.js');
  const subjects = await readFile(new URL('../../docs/nats-subjects.md', import.meta.url), 'utf8');
  const asyncapi = await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8');
  const { CAMPAIGN_PROGRESS } = await import('../../actors/commands/campaign-driver.js');
  const { SITE_ALLOCATION } = await import('../../actors/commands/site-allocator.js');
  for (const type of new Set([...Object.values(BUS_EVENT_OF), DEVICE_MODEL_REPORTED, CAMPAIGN_PROGRESS, SITE_ALLOCATION])) {
    t.ok(subjects.includes(`| \`${eventSuffix(type)}\` |`), `${type} in nats-subjects.md`);
    t.match(asyncapi, new RegExp(`enum: \\[[^\\]]*\\b${eventSuffix(type).replace(/[.-]/g, '\\$&')}\\b`), `${type} in the asyncapi enum`);
  }
});

t.test('PruneSchedule: a station is due after `every` new records, then counts again', async (t) => {
  const schedule = new PruneSchedule(3);
  t.equal(schedule.note('A', 1), false);
  t.equal(schedule.note('A', 1), false);
  t.equal(schedule.note('B', 2), false, 'per station');
  t.equal(schedule.note('A', 1), true, 'third record of A');
  t.equal(schedule.note('A', 2), false, 'counting again');
  t.same(schedule.due([{ stationId: 'A' }, { stationId: 'B' }, { stationId: 'C' }]), ['A', 'B'], 'a batch: each due station once');
  t.same(schedule.due([{ stationId: 'C' }, { stationId: 'C' }, { stationId: 'C' }, { stationId: 'C' }]), ['C']);
});
