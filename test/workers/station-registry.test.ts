import t from 'tap';
import { StationRegistry, type StationLocation } from '../../workers/station-registry.js';

function at(thread: number, connId: string): StationLocation {
  return { thread, connId, tenantId: 'acme', version: 'ocpp2.0.1', connectedAt: '2025-01-01T00:00:00.000Z' };
}

t.test('the newest connection wins and the displaced one is returned', async (t) => {
  const r = new StationRegistry();
  t.equal(r.connect('CS-1', at(0, 'c1')), undefined);
  t.same(r.get('CS-1'), at(0, 'c1'));
  t.same(r.connect('CS-1', at(1, 'c2')), at(0, 'c1'), 'the old one is handed back to be closed');
  t.same(r.get('CS-1'), at(1, 'c2'));
  t.equal(r.size, 1);
  t.equal(r.connect('CS-1', at(1, 'c2')), undefined, 're-registering the same connection displaces nothing');
});

t.test('a stale disconnect is ignored', async (t) => {
  const r = new StationRegistry();
  r.connect('CS-1', at(0, 'c1'));
  r.connect('CS-1', at(1, 'c2'));
  t.equal(r.disconnect('CS-1', 'c1'), false, 'the old socket closing late');
  t.same(r.get('CS-1'), at(1, 'c2'));
  t.equal(r.disconnect('CS-1', 'c2'), true);
  t.equal(r.get('CS-1'), undefined);
  t.equal(r.disconnect('CS-1', 'c2'), false, 'already gone');
  t.equal(r.disconnect('NOPE', 'c9'), false);
});

t.test('dropThread forgets every station of that thread only', async (t) => {
  const r = new StationRegistry();
  r.connect('A', at(0, 'a'));
  r.connect('B', at(1, 'b'));
  r.connect('C', at(0, 'c'));
  const dropped = r.dropThread(0);
  t.same(dropped.map(([id]) => id).sort(), ['A', 'C']);
  t.same(dropped.find(([id]) => id === 'A')![1], at(0, 'a'));
  t.equal(r.size, 1);
  t.same(r.get('B'), at(1, 'b'));
  t.same(r.dropThread(0), []);
});
