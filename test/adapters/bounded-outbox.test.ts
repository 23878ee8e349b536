import t from 'tap';
import { BoundedOutbox } from '../../adapters/bus/bounded-outbox.js';

t.test('keeps the newest messages up to its capacity and counts drops', async (t) => {
  const box = new BoundedOutbox<number>(3);
  for (let i = 1; i <= 5; i++) box.push(i);
  t.equal(box.size, 3);
  t.equal(box.dropped, 2);
  t.same(box.takeAll(), [3, 4, 5]);
  t.equal(box.size, 0);
  box.push(6);
  box.unshift([4, 5]);
  t.same(box.takeAll(), [4, 5, 6], 'unshift puts messages back in front');
});

t.test('capacity 0 drops everything; large volumes stay bounded', async (t) => {
  const none = new BoundedOutbox<number>(0);
  none.push(1);
  t.equal(none.size, 0);
  t.equal(none.dropped, 1);
  const box = new BoundedOutbox<number>(10);
  for (let i = 0; i < 100_000; i++) box.push(i);
  t.equal(box.size, 10);
  t.equal(box.dropped, 99_990);
  t.same(box.takeAll(), Array.from({ length: 10 }, (_, i) => 99_990 + i));
});
