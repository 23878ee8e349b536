import t from 'tap';
import { eventNeedsReload, initialState, nextPage, previousPage, stationsQuery, withFilter, withSort } from '../../ui/src/pages/stations/query.ts';

t.test('the table state becomes GET /stations parameters, empty filters left out', async (t) => {
  const s0 = initialState();
  t.same(stationsQuery(s0), { limit: 50 }, 'defaults are the API\'s defaults');
  let s = withFilter(s0, 'q', '  abb ');
  s = withFilter(s, 'online', 'offline');
  s = withFilter(s, 'status', 'Faulted');
  t.same(stationsQuery(s), { limit: 50, q: 'abb', online: 'offline', status: 'Faulted' }, 'trimmed');
  s = withSort(s, 'vendor');
  t.same(stationsQuery(s), { limit: 50, q: 'abb', online: 'offline', status: 'Faulted', sort: 'vendor' });
  s = withSort(s, 'vendor');
  t.match(stationsQuery(s), { sort: 'vendor', dir: 'desc' }, 'the same header flips the direction');
  t.match(stationsQuery(withSort(s, 'model')), { sort: 'model' }, 'another header sorts ascending');
  t.notOk('dir' in stationsQuery(withSort(s, 'model')));
});

t.test('paging keeps the cursors; a new filter or sort goes back to page 1', async (t) => {
  let s = nextPage(initialState(), 'c2');
  s = nextPage(s, 'c3');
  t.equal(stationsQuery(s).cursor, 'c3');
  t.equal(stationsQuery(previousPage(s)).cursor, 'c2');
  t.notOk('cursor' in stationsQuery(previousPage(previousPage(s))));
  t.same(previousPage(initialState()), initialState(), 'no page before the first');
  t.same(withFilter(s, 'vendor', 'abb').cursors, [undefined], 'a cursor belongs to its query');
  t.same(withSort(s, 'protocol').cursors, [undefined]);
});

t.test('live events reload the page only when they can change which rows match', async (t) => {
  const plain = initialState();
  t.notOk(eventNeedsReload(plain, 'station.connected'), 'a dot changes in place');
  t.notOk(eventNeedsReload(plain, 'connector.status'));
  t.ok(eventNeedsReload(plain, 'station.booted'), 'vendor, model, firmware may have changed');
  t.ok(eventNeedsReload(withFilter(plain, 'online', 'online'), 'station.disconnected'));
  t.ok(eventNeedsReload(withFilter(plain, 'status', 'Faulted'), 'connector.status'));
  t.notOk(eventNeedsReload(withFilter(plain, 'status', 'Faulted'), 'transaction.started'));
});
