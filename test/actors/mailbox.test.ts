import t from 'tap';
import { Mailbox } from '../../actors/mailbox.js';
import { asyncDispatcher, syncDispatcher, type Dispatcher } from '../../actors/dispatcher.js';

/** A promise plus its resolver, to hold a handler open until the test lets it go. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves once the mailbox has handled `count` messages. */
function collector(count: number) {
  const seen: string[] = [];
  const done = deferred();
  return {
    seen,
    done: done.promise,
    record(message: string) {
      seen.push(message);
      if (seen.length === count) done.resolve();
    },
  };
}

for (const [name, dispatcher] of [['sync', syncDispatcher], ['async', asyncDispatcher]] as Array<[string, Dispatcher]>) {
  t.test(`${name} dispatcher: strict order across async handlers`, async (t) => {
    const c = collector(5);
    const started: string[] = [];
    const mailbox = new Mailbox<string>({
      dispatcher,
      capacity: 10,
      onFailure: (e) => t.fail(String(e)),
      invoke: async (m) => {
        started.push(m);
        t.equal(started.length, c.seen.length + 1, `${m} starts only after the previous one finished`);
        // Later messages settle faster: order must still hold.
        for (let i = 0; i < 5 - Number(m.slice(1)); i++) await new Promise((r) => setImmediate(r));
        c.record(m);
      },
    });
    for (const m of ['m0', 'm1', 'm2', 'm3', 'm4']) t.ok(mailbox.post(m));
    await c.done;
    t.same(c.seen, ['m0', 'm1', 'm2', 'm3', 'm4']);
    t.equal(mailbox.size, 0);
  });

  t.test(`${name} dispatcher: a throwing handler escalates and the next message still runs`, async (t) => {
    const c = collector(3);
    const failures: Array<[unknown, string]> = [];
    const mailbox = new Mailbox<string>({
      dispatcher,
      capacity: 10,
      onFailure: (e, m) => {
        failures.push([e, m]);
        c.record(`failed:${m}`);
      },
      invoke: (m) => {
        if (m === 'sync-throw') throw new Error('boom');
        if (m === 'async-throw') return Promise.reject(new Error('later boom'));
        c.record(m);
      },
    });
    mailbox.post('sync-throw');
    mailbox.post('async-throw');
    mailbox.post('fine');
    await c.done;
    t.same(c.seen, ['failed:sync-throw', 'failed:async-throw', 'fine']);
    t.equal(failures.length, 2);
    t.match((failures[0]![0] as Error).message, 'boom');
    t.equal(failures[1]![1], 'async-throw');
  });
}

t.test('capacity bounds queued user messages; post returns false when full', async (t) => {
  const gate = deferred();
  const handled: string[] = [];
  const mailbox = new Mailbox<string>({
    dispatcher: syncDispatcher,
    capacity: 2,
    onFailure: (e) => t.fail(String(e)),
    invoke: async (m) => {
      handled.push(m);
      if (m === 'first') await gate.promise;
    },
  });
  t.equal(mailbox.post('first'), true, 'taken straight into the handler');
  t.ok(mailbox.busy);
  t.equal(mailbox.post('second'), true);
  t.equal(mailbox.post('third'), true);
  t.equal(mailbox.post('fourth'), false, 'the queue holds at most capacity messages');
  t.equal(mailbox.size, 2);
  gate.resolve();
  await new Promise((r) => setImmediate(r));
  t.same(handled, ['first', 'second', 'third']);
  t.equal(mailbox.post('fifth'), true, 'room again once drained');
  t.same(handled, ['first', 'second', 'third', 'fifth']);
  await new Promise((r) => setImmediate(r));
  t.notOk(mailbox.busy, 'idle once the queue is empty');
});

t.test('system messages jump ahead of queued user messages', async (t) => {
  const gate = deferred();
  const handled: string[] = [];
  const mailbox = new Mailbox<string>({
    dispatcher: syncDispatcher,
    capacity: 1,
    onFailure: (e) => t.fail(String(e)),
    invoke: async (m) => {
      handled.push(m);
      if (m === 'u1') await gate.promise;
    },
  });
  mailbox.post('u1');
  mailbox.post('u2');
  t.equal(mailbox.post('u3'), false);
  mailbox.postSystem('stop');
  mailbox.postSystem('stop2');
  t.equal(mailbox.size, 3, 'system messages are not bounded by capacity');
  gate.resolve();
  await new Promise((r) => setImmediate(r));
  t.same(handled, ['u1', 'stop', 'stop2', 'u2']);
});

t.test('an idle mailbox starts inline; a busy one yields after `throughput` messages and carries on', async (t) => {
  const turns: number[] = [];
  let turn = 0;
  const dispatcher: Dispatcher = {
    throughput: 3,
    schedule: (run) => setImmediate(() => { turn++; run(); }),
  };
  const c = collector(8);
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const mailbox = new Mailbox<number>({
    dispatcher,
    capacity: 100,
    onFailure: (e) => t.fail(String(e)),
    invoke: (m) => {
      turns.push(turn);
      c.record(String(m));
      return m === 0 ? gate : undefined;
    },
  });
  mailbox.post(0);
  t.same(c.seen, ['0'], 'the first message ran inside post(): no turn lost to scheduling');
  for (let i = 1; i < 8; i++) mailbox.post(i);
  open();
  await c.done;
  t.same(c.seen, ['0', '1', '2', '3', '4', '5', '6', '7']);
  t.same(turns, [0, 0, 0, 1, 1, 1, 2, 2], 'three per turn');
});
