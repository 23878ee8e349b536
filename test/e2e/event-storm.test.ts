import t from 'tap';
import { eventually, metricValue, startServer } from '../helpers/server.js';
import { bootPayload, connectStrict } from '../helpers/ocpp-clients.js';

// NotifyEvent storms (issue #12): one strict 2.0.1 station sends NotifyEvent as fast as the CSMS
// answers, 50 events a message. Every message gets a schema-valid CALLRESULT; what is stored is
// bounded by the station's budget (CSMS_EVENT_RATE / CSMS_EVENT_BURST), the rest is counted in a
// metric and summarised in one EventStorm record with one warn line; a second station's Heartbeat
// and Authorize are answered all along. No timing assertions: the bound is computed from the time
// the storm actually took.

const PASSWORD = 'event-storm-pw-0001';
const RATE = 1;
const BURST = 20;
const MESSAGES = 120;
const PER_MESSAGE = 50;

t.test('a NotifyEvent storm is answered, bounded in storage, and disturbs no other station', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '1', CSMS_EVENT_RATE: String(RATE), CSMS_EVENT_BURST: String(BURST) } });
  await server.registerStation('STORM-1', PASSWORD);
  await server.registerStation('CALM-1', PASSWORD);
  const storm = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'STORM-1', password: PASSWORD, version: 'ocpp2.0.1' });
  const calm = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CALM-1', password: PASSWORD, version: 'ocpp2.0.1' });
  await storm.call('BootNotification', bootPayload('ocpp2.0.1'));
  await calm.call('BootNotification', bootPayload('ocpp2.0.1'));

  const eventData = (m: number) =>
    Array.from({ length: PER_MESSAGE }, (_, i) => ({
      eventId: m * PER_MESSAGE + i,
      timestamp: new Date().toISOString(),
      trigger: 'Delta',
      actualValue: String(i),
      component: { name: 'Connector', evse: { id: 1, connectorId: 1 } },
      variable: { name: 'AvailabilityState' },
      eventNotificationType: 'HardWiredNotification',
    }));

  const started = Date.now();
  let stormDone = false;
  const answers: unknown[] = [];
  const storming = (async () => {
    // Pipelined: every call is queued at once, the client sends the next as soon as one is answered.
    const calls = Array.from({ length: MESSAGES }, (_, m) => storm.call('NotifyEvent', { generatedAt: new Date().toISOString(), seqNo: m, eventData: eventData(m) }));
    answers.push(...(await Promise.all(calls)));
    stormDone = true;
  })();
  let calmAnswers = 0;
  const calming = (async () => {
    for (let i = 0; i < 20 || !stormDone; i++) {
      const hb = (await calm.call('Heartbeat', {})) as { currentTime: string };
      const auth = (await calm.call('Authorize', { idToken: { idToken: `CALM-${i}`, type: 'ISO14443' } })) as { idTokenInfo: { status: string } };
      if (typeof hb.currentTime === 'string' && typeof auth.idTokenInfo.status === 'string') calmAnswers++;
    }
  })();
  await Promise.all([storming, calming]);
  const elapsedSec = (Date.now() - started) / 1000;
  t.equal(answers.length, MESSAGES, 'every NotifyEvent answered (strict client: schema-valid)');
  t.ok(answers.every((a) => JSON.stringify(a) === '{}'), 'with the empty CALLRESULT');
  t.ok(calmAnswers >= 20, `the other station was answered all along (${calmAnswers} Heartbeat + Authorize pairs)`);

  // A bound from the budget and the time the storm took: burst + rate × elapsed, plus the storm records.
  const stormRecords = 2 + Math.ceil(elapsedSec / 60);
  const bound = BURST + Math.ceil(elapsedSec * RATE) + stormRecords;
  const rows: Array<{ type: string; payload: Record<string, unknown> }> = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: any } = await server.apiJson('GET', `/stations/STORM-1/events?kind=event&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    t.equal(page.status, 200);
    rows.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  const total = MESSAGES * PER_MESSAGE;
  t.ok(rows.length <= bound, `stored rows bounded: ${rows.length} <= ${bound} of ${total} events (storm took ${elapsedSec.toFixed(1)} s)`);
  const storms = rows.filter((r) => r.type === 'EventStorm');
  t.match(storms[storms.length - 1]?.payload, { state: 'started', ratePerSec: RATE, burst: BURST }, 'one storm record when it started');
  t.ok(storms.length <= stormRecords, 'and not one per message');
  const dropped = await eventually(async () => metricValue(await server.metrics(), 'csms_notify_events_dropped_total') || undefined, 10_000, 'the dropped-events metric');
  t.ok(dropped >= total - bound, `dropped events counted (${dropped})`);
  await eventually(async () => server.output().stdout.includes('NotifyEvent storm: events beyond the budget'), 30_000, 'the storm line');
  const stormLines = server.output().stdout.split('\n').filter((l) => l.includes('NotifyEvent storm: events beyond the budget'));
  t.equal(stormLines.length, 1, 'one log line per storm, not per message');
  t.match(JSON.parse(stormLines[0]!), { level: 'warn', stationId: 'STORM-1', state: 'started' });
});
