import t from 'tap';
import { startServer } from '../helpers/server.js';
import { connectStrict, bootPayload, RawStation } from '../helpers/ocpp-clients.js';

/**
 * GET /stations/{id}/frames/live against a real server: a strict ocpp-rpc station's frames in and
 * out arrive as they happen, a frame the gateway refuses comes with its schema CALLERROR marked,
 * another tenant cannot watch, and nothing is forwarded once nobody watches.
 */
interface Frame { direction: string; type: string; action: string | null; messageId: string | null; errorCode: string | null; schemaError: boolean; frame: string }

/** Reads SSE `frame` events from a fetch body. */
function sseFrames(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: Frame[] = [];
  return {
    async next(): Promise<Frame> {
      for (;;) {
        if (queue.length) return queue.shift()!;
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.split('\n').includes('event: frame')) continue;
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) queue.push(JSON.parse(data.slice(6)) as Frame);
        }
      }
    },
    cancel: () => reader.cancel(),
  };
}

t.test('live frames of a station: in and out as they happen, schema errors marked, tenant-scoped', async (t) => {
  const server = await startServer(t, { env: { CSMS_ALLOW_UNKNOWN_STATIONS: 'false' } });
  await server.registerStation('CS-LIVE-1', 'station-password-live-1');
  const station = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'CS-LIVE-1', password: 'station-password-live-1', version: 'ocpp2.0.1' });
  t.teardown(() => station.close());

  const other = await server.api('/stations/CS-LIVE-1/frames/live', { headers: { 'x-tenant-id': 'other' } });
  t.equal(other.status, 404, 'another tenant cannot watch it');
  await other.body?.cancel();
  t.equal((await server.api('/stations/NOPE/frames/live')).status, 404);

  /** Opens the stream and sends `poke` until its first frame arrives: then the watch is on (no guessed delay). */
  const watch = async (id: string, poke: () => Promise<unknown>) => {
    const res = await server.api(`/stations/${id}/frames/live`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /text\/event-stream/);
    const stream = sseFrames(res.body!);
    let arrived = false;
    const first = stream.next().then((f) => ((arrived = true), f));
    while (!arrived) {
      await poke();
      await Promise.race([first, new Promise((r) => setTimeout(r, 100))]);
    }
    t.teardown(() => stream.cancel());
    return { stream, first: await first };
  };

  const { stream, first } = await watch('CS-LIVE-1', () => station.call('Heartbeat', {}));
  t.match(first, { direction: 'in', type: 'CALL', action: 'Heartbeat' });
  await station.call('BootNotification', bootPayload('ocpp2.0.1', { vendor: 'LiveCo' }));
  let boot: Frame;
  do boot = await stream.next(); while (!(boot.type === 'CALL' && boot.action === 'BootNotification'));
  t.equal(boot.direction, 'in');
  t.match(boot.frame, /LiveCo/, 'the frame as sent');
  let answer: Frame;
  do answer = await stream.next(); while (answer.messageId !== boot.messageId);
  t.match(answer, { direction: 'out', type: 'CALLRESULT' }, 'then our answer');

  // A frame the gateway refuses: the CALLERROR comes marked as a schema error.
  await server.registerStation('CS-LIVE-2', 'station-password-live-2');
  const raw = await RawStation.open(t, server.ocppUrl, 'CS-LIVE-2', { password: 'station-password-live-2' });
  let n = 0;
  const bad = await watch('CS-LIVE-2', async () => {
    raw.send(JSON.stringify([2, `hb-${++n}`, 'Heartbeat', {}]));
    await raw.next();
  });
  t.match(bad.first, { direction: 'in', action: 'Heartbeat' });
  raw.send(JSON.stringify([2, 'bad-1', 'Heartbeat', { unexpected: true }]));
  const refusal = await raw.nextFrame();
  t.equal(refusal[0], 4);
  let f: Frame;
  do f = await bad.stream.next(); while (f.messageId !== 'bad-1' || f.direction !== 'in');
  t.match(f, { type: 'CALL', schemaError: false }, 'the refused frame');
  const error = await bad.stream.next();
  t.match(error, { direction: 'out', type: 'CALLERROR', messageId: 'bad-1', errorCode: 'FormationViolation', schemaError: true }, 'its CALLERROR, a schema error (1.6 spelling)');
});
