import t from 'tap';
import { StationRegistry, type StationLocation } from '../../workers/station-registry.js';

let clock = 0;
function at(thread: number, connId: string, openedAt = ++clock): StationLocation {
  return { thread, connId, tenantId: 'acme', version: 'ocpp2.0.1', connectedAt: '2025-01-01T00:00:00.000Z', openedAt };
}

t.test('the newest connection wins and the displaced one is returned', async (t) => {
  const r = new StationRegistry();
  const c1 = at(0, 'c1');
  const c2 = at(1, 'c2');
  t.equal(r.connect('CS-1', c1), undefined);
  t.same(r.get('CS-1'), c1);
  t.same(r.connect('CS-1', c2), c1, 'the old one is handed back to be closed');
  t.same(r.get('CS-1'), c2);
  t.equal(r.size, 1);
  t.equal(r.connect('CS-1', c2), undefined, 're-registering the same connection displaces nothing');
});

t.test('the connection opened last wins when main hears of the threads in the other order', async (t) => {
  const r = new StationRegistry();
  const older = at(0, '0.4');
  const newer = at(1, '1.7');
  t.equal(r.connect('CS-1', newer), undefined);
  t.equal(r.connect('CS-1', older), older, 'the late-reported older connection is the one to close');
  t.same(r.get('CS-1'), newer, 'the newer one stays registered');
  t.equal(r.disconnect('CS-1', '0.4'), false, "the older one's close changes nothing");
  t.same(r.get('CS-1'), newer);
});

t.test('a stale disconnect is ignored', async (t) => {
  const r = new StationRegistry();
  r.connect('CS-1', at(0, 'c1'));
  const c2 = at(1, 'c2');
  r.connect('CS-1', c2);
  t.equal(r.disconnect('CS-1', 'c1'), false, 'the old socket closing late');
  t.same(r.get('CS-1'), c2);
  t.equal(r.disconnect('CS-1', 'c2'), true);
  t.equal(r.get('CS-1'), undefined);
  t.equal(r.disconnect('CS-1', 'c2'), false, 'already gone');
  t.equal(r.disconnect('NOPE', 'c9'), false);
});

t.test('dropThread forgets every station of that thread only', async (t) => {
  const r = new StationRegistry();
  const a = at(0, 'a');
  const b = at(1, 'b');
  r.connect('A', a);
  r.connect('B', b);
  r.connect('C', at(0, 'c'));
  const dropped = r.dropThread(0);
  t.same(dropped.map(([id]) => id).sort(), ['A', 'C']);
  t.same(dropped.find(([id]) => id === 'A')![1], a);
  t.equal(r.size, 1);
  t.same(r.get('B'), b);
  t.same(r.dropThread(0), []);
});
