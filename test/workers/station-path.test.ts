import t from 'tap';
import { stationIdFromPath } from '../../workers/station-path.js';

t.test('the fixed /ocpp/ path', async (t) => {
  t.equal(stationIdFromPath('/ocpp/CS-001', '/ocpp'), 'CS-001');
  t.equal(stationIdFromPath('/ocpp/CS-001?token=x', '/ocpp'), 'CS-001', 'query string ignored');
  t.equal(stationIdFromPath('/ocpp/CS%2D001', '/ocpp'), 'CS-001', 'percent-decoded');
  t.equal(stationIdFromPath('/ocpp/a.b_c-d*e+f=g@h|i', '/ocpp'), 'a.b_c-d*e+f=g@h|i', 'every identifierString character but :');
  t.equal(stationIdFromPath('/ocpp/', '/ocpp'), undefined, 'no id');
  t.equal(stationIdFromPath('/ocpp', '/ocpp'), undefined);
  t.equal(stationIdFromPath('/ocpp/a/b', '/ocpp'), undefined, 'nested path');
  t.equal(stationIdFromPath('/ocpp/CS-1/', '/ocpp'), undefined, 'trailing slash');
  t.equal(stationIdFromPath('/ocppx/CS-1', '/ocpp'), undefined, 'prefix must end at a slash');
  t.equal(stationIdFromPath('/other/CS-1', '/ocpp'), undefined);
  t.equal(stationIdFromPath('/', '/ocpp'), undefined);
});

t.test('invalid station ids are refused', async (t) => {
  t.equal(stationIdFromPath('/ocpp/a%2Fb', '/ocpp'), undefined, 'encoded slash');
  t.equal(stationIdFromPath('/ocpp/a%3Ab', '/ocpp'), undefined, 'colon (Basic-auth user)');
  t.equal(stationIdFromPath('/ocpp/a%20b', '/ocpp'), undefined, 'space');
  t.equal(stationIdFromPath('/ocpp/%E0%A4%A', '/ocpp'), undefined, 'bad percent-encoding');
  t.equal(stationIdFromPath(`/ocpp/${'x'.repeat(48)}`, '/ocpp'), 'x'.repeat(48));
  t.equal(stationIdFromPath(`/ocpp/${'x'.repeat(49)}`, '/ocpp'), undefined, 'too long');
  t.equal(stationIdFromPath('/ocpp/a~b', '/ocpp'), undefined, '~ is not in OCPP identifierString');
  t.equal(stationIdFromPath('/ocpp/%2E', '/ocpp'), undefined, '.');
  t.equal(stationIdFromPath('/ocpp/%2E%2E', '/ocpp'), undefined, '..');
  t.equal(stationIdFromPath('/ocpp/...', '/ocpp'), '...', 'three dots are just an id');
});

t.test('a configured prefix works besides /ocpp/', async (t) => {
  t.equal(stationIdFromPath('/cpms/ws/CS-1', '/cpms/ws'), 'CS-1');
  t.equal(stationIdFromPath('/ocpp/CS-1', '/cpms/ws'), 'CS-1');
  t.equal(stationIdFromPath('/cpms/CS-1', '/cpms/ws'), undefined);
  t.equal(stationIdFromPath('/cpms/ws/a/b', '/cpms/ws'), undefined);
  t.equal(stationIdFromPath('/ocpp/v2/CS-1', '/ocpp/v2'), 'CS-1', 'a prefix under /ocpp');
});
