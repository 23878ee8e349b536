import t from 'tap';
import fc from 'fast-check';
import { SUMMARY_EVERY_MS, takeEvents, type EventBudgetState } from '../../core/event-budget.js';

// NotifyEvent storms: a token bucket per station; what is stored stays within burst + rate × time
// however the messages come, and a storm makes a bounded number of notes.

const budget = { ratePerSec: 2, burst: 10 };

t.test('a quiet station gets its burst, then the rate', async (t) => {
  let d = takeEvents(undefined, 8, 0, budget);
  t.match(d, { granted: 8, dropped: 0, note: undefined });
  d = takeEvents(d.state, 5, 0, budget);
  t.match(d, { granted: 2, dropped: 3, note: { state: 'started', dropped: 3 } });
  d = takeEvents(d.state, 5, 1000, budget);
  t.match(d, { granted: 2, dropped: 3, note: undefined }, 'two tokens a second, no new note within the minute');
  t.equal(d.state.storm!.dropped, 6);
  d = takeEvents(d.state, 100, 1000 + SUMMARY_EVERY_MS, budget);
  t.match(d, { granted: 10, dropped: 90, note: { state: 'ongoing', dropped: 96 } }, 'a summary a minute while it lasts; the bucket is full again');
  d = takeEvents(d.state, 1, 2000 + SUMMARY_EVERY_MS, budget);
  t.match(d, { granted: 1, dropped: 0, note: { state: 'ended', dropped: 96 } });
  t.equal(d.state.storm, null);
});

t.test('property: stored events never exceed burst + rate × elapsed; every event is granted or dropped', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 60 })), { maxLength: 200 }), (messages) => {
      let state: EventBudgetState | undefined;
      let now = 0;
      let granted = 0;
      let notes = 0;
      for (const [gap, count] of messages) {
        now += gap;
        const d = takeEvents(state, count, now, budget);
        if (d.granted + d.dropped !== count || d.granted < 0 || d.dropped < 0) return false;
        granted += d.granted;
        if (d.note) notes++;
        state = d.state;
      }
      return granted <= budget.burst + (now / 1000) * budget.ratePerSec + 1e-9 && notes <= messages.length;
    }),
  );
  t.pass('holds');
});
