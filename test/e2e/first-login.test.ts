import t from 'tap';
import { startServer } from '../helpers/server.js';
import { RawStation } from '../helpers/ocpp-clients.js';

// A station's first login after start is admitted asynchronously (store lookup, scrypt) and then
// upgraded. Every socket upgraded that way must stay open (the uws-pack 20.0.8 build closes some
// with 1006 right after the 101 when that upgrade is corked), and stderr holds only JSON log lines
// apart from uWS's own "corked callback" warning, which the uncorked upgrade costs (README).

const STATIONS = 120;
const PASSWORD = 'first-login-pw-01';

t.test('first logins: every socket works and stderr holds only JSON log lines and the uWS cork warning', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '2' } });
  for (let i = 0; i < STATIONS; i++) await server.registerStation(`FIRST-${i}`, PASSWORD);
  // First logins, many at once, so admissions complete while other upgrades are in flight.
  const stations = await Promise.all(
    Array.from({ length: STATIONS }, (_, i) => RawStation.open(t, server.ocppUrl, `FIRST-${i}`, { protocols: ['ocpp1.6'], password: PASSWORD })),
  );
  const answers = await Promise.all(stations.map((s, i) => s.call(`hb-${i}`, 'Heartbeat', {}).then((frame) => frame[0], (error: Error) => error.message)));
  t.same(answers.filter((a) => a !== 3), [], 'every first-login socket answered a Heartbeat (none dropped after the 101)');
  // And one at a time, each on a server thread that has just been idle.
  const sequential: unknown[] = [];
  for (let i = 0; i < 40; i++) {
    await server.registerStation(`FIRST-SEQ-${i}`, PASSWORD);
    const station = await RawStation.open(t, server.ocppUrl, `FIRST-SEQ-${i}`, { protocols: ['ocpp2.0.1'], password: PASSWORD });
    const frame = await station.call(`seq-${i}`, 'Heartbeat', {}).then((f) => f[0], (error: Error) => error.message);
    if (frame !== 3) sequential.push(frame);
    station.terminate();
  }
  t.same(sequential, [], 'one at a time, every first-login socket answered too');
  const stderr = server.output().stderr;
  const nonJson = stderr.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    if (line.startsWith('Warning: uWS.HttpResponse writes must be made from within a corked callback')) return false;
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  });
  t.same(nonJson, [], 'no non-JSON line on stderr but the uWS cork warning');
  for (const s of stations) s.terminate();
});

// A login one gateway thread checked against the store is handed to the node's other gateway
// threads, so a station's reconnects are upgraded synchronously on whichever thread the kernel
// picks: only its very first login is the asynchronous upgrade (one uWS cork warning each).
t.test('a station admitted on one gateway thread is admitted from memory on the others', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '2', CSMS_LOG_LEVEL: 'info' } });
  await server.registerStation('SHARED-1', PASSWORD);
  const threads = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const station = await RawStation.open(t, server.ocppUrl, 'SHARED-1', { protocols: ['ocpp1.6'], password: PASSWORD });
    t.equal((await station.call(`hb-${i}`, 'Heartbeat', {}))[0], 3, `connection ${i + 1} works`);
    station.terminate();
  }
  for (const line of server.output().stdout.split('\n')) {
    if (line.includes('"station connected"') && line.includes('"SHARED-1"')) threads.add(String(JSON.parse(line).thread));
  }
  t.equal(threads.size, 2, 'the kernel spread the connections over both gateway threads');
  const warnings = server.output().stderr.split('\n').filter((l) => l.startsWith('Warning: uWS.HttpResponse writes must be made from within a corked callback'));
  t.equal(warnings.length, 1, 'one asynchronous upgrade: the first login; the other thread knew the station');
});
