import t from 'tap';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { RemoteError, ThreadChannel, type MessageHandler, type ThreadMessage } from '../../workers/thread-channel.js';

/** A port wrapper that records every batch posted through it. */
function recording(port: MessagePort) {
  const batches: unknown[][] = [];
  return {
    batches,
    port: {
      postMessage(value: unknown) {
        batches.push(value as unknown[]);
        port.postMessage(value);
      },
      on: (event: 'message', listener: (value: unknown) => void) => port.on(event, listener),
    },
  };
}

function pair(left: MessageHandler, right: MessageHandler) {
  const { port1, port2 } = new MessageChannel();
  t.teardown(() => {
    port1.close();
    port2.close();
  });
  const a = recording(port1);
  const b = recording(port2);
  return { a: new ThreadChannel(a.port, left), b: new ThreadChannel(b.port, right), aBatches: a.batches, bBatches: b.batches };
}

const ignore: MessageHandler = () => undefined;

t.test('messages sent in one turn travel as one batch, in order', async (t) => {
  const received: ThreadMessage[] = [];
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  const { a, aBatches } = pair(ignore, (m) => {
    received.push(m);
    if (received.length === 5) resolve();
  });
  for (let i = 0; i < 3; i++) a.send({ k: 'event', n: i });
  await new Promise((r) => setImmediate(r));
  a.send({ k: 'event', n: 3 });
  a.send({ k: 'event', n: 4 });
  await all;
  t.same(received.map((m) => m.n), [0, 1, 2, 3, 4]);
  t.same(aBatches.map((b) => b.length), [3, 2], 'two turns, two batches');
});

t.test('flush() sends what is queued right away', async (t) => {
  const { a, aBatches } = pair(ignore, ignore);
  a.send({ k: 'x' });
  a.flush();
  t.equal(aBatches.length, 1);
  a.flush();
  t.equal(aBatches.length, 1, 'an empty flush posts nothing');
});

t.test('request/reply with sync and async handlers', async (t) => {
  const { a } = pair(ignore, (m) => {
    if (m.k === 'double') return (m.n as number) * 2;
    if (m.k === 'later') return Promise.resolve({ echoed: m.v });
    return undefined;
  });
  const [x, y, z] = await Promise.all([
    a.request<number>({ k: 'double', n: 21 }),
    a.request({ k: 'later', v: [1, 'two'] }),
    a.request({ k: 'nothing' }),
  ]);
  t.equal(x, 42);
  t.same(y, { echoed: [1, 'two'] });
  t.equal(z, undefined);
});

t.test('both sides can request at once', async (t) => {
  const { a, b } = pair(
    (m) => `a got ${String(m.k)}`,
    (m) => `b got ${String(m.k)}`,
  );
  t.same(await Promise.all([a.request({ k: 'ping' }), b.request({ k: 'pong' })]), ['b got ping', 'a got pong']);
});

t.test('errors are rebuilt as RemoteError with name, message, code and details', async (t) => {
  class CallFailure extends Error {
    constructor(readonly reason: string, message: string, readonly details: unknown) {
      super(message);
      this.name = 'CallFailure';
    }
  }
  const { a } = pair(ignore, (m) => {
    if (m.k === 'sync') {
      const e = Object.assign(new Error('no such station'), { code: 'STATION_NOT_FOUND', details: { id: 'CS-1' } });
      throw e;
    }
    if (m.k === 'async') return Promise.reject(new CallFailure('timeout', 'too slow', { ms: 5 }));
    if (m.k === 'string') return Promise.reject('plain string');
    return undefined;
  });
  const sync = await a.request({ k: 'sync' }).catch((e: unknown) => e);
  t.ok(sync instanceof RemoteError);
  t.match(sync, { name: 'Error', message: 'no such station', code: 'STATION_NOT_FOUND', details: { id: 'CS-1' } });
  const async = await a.request({ k: 'async' }).catch((e: unknown) => e);
  t.ok(async instanceof RemoteError);
  t.match(async, { name: 'CallFailure', message: 'too slow', code: 'timeout', details: { ms: 5 } }, 'reason becomes code');
  const str = await a.request({ k: 'string' }).catch((e: unknown) => e);
  t.match(str, { name: 'Error', message: 'plain string' });
});

t.test('a throwing handler for a fire-and-forget message does not break the channel', async (t) => {
  const { a } = pair(ignore, (m) => {
    if (m.k === 'bad') throw new Error('ignored');
    return 'fine';
  });
  a.send({ k: 'bad' });
  t.equal(await a.request({ k: 'good' }), 'fine');
});

t.test('failPending rejects every waiting request; late replies are ignored', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { a } = pair(ignore, async () => {
    await gate;
    return 'late';
  });
  const p1 = a.request({ k: 'one' });
  const p2 = a.request({ k: 'two' });
  const died = new Error('thread died');
  a.failPending(died);
  t.equal(await p1.catch((e: unknown) => e), died);
  t.equal(await p2.catch((e: unknown) => e), died);
  release();
  t.equal(await a.request({ k: 'three' }), 'late', 'the channel still works for new requests');
});
