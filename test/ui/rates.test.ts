import t from 'tap';
import { rateSeries } from '../../ui/src/format.ts';

t.test('the rate chart: per-second rates at each bucket start, the filling bucket left out', async (t) => {
  const s = rateSeries({ stepSec: 10, end: 1000, messages: [10, 20, 5], callErrors: [0, 1, 0] });
  t.same(s.t, [980, 990]);
  t.same(s.messages, [1, 2]);
  t.same(s.callErrors, [0, 0.1]);
});
