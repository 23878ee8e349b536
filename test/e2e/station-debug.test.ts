import t from 'tap';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { RawStation } from '../helpers/ocpp-clients.js';

// PUT /stations/{id}/debug: every frame of one station in the log at info, switched at run
// time on every gateway thread, kept across reconnects, off again on request.

const PASSWORD = 'debug-pw-0001-xyz';

function frameLines(server: TestServer, stationId: string): Array<Record<string, unknown>> {
  return server
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => l.msg === 'frame' && l.stationId === stationId);
}

t.test('per-station frame logging, switched at run time', async (t) => {
  // Two gateway threads, so the switch has to reach whichever thread holds the station.
  const server = await startServer(t, { env: { CSMS_WORKERS: '2', CSMS_LOG_LEVEL: 'info' } });
  await server.registerStation('DBG-1', PASSWORD);
  await server.registerStation('DBG-2', PASSWORD);
  const one = await RawStation.open(t, server.ocppUrl, 'DBG-1', { password: PASSWORD });
  const two = await RawStation.open(t, server.ocppUrl, 'DBG-2', { password: PASSWORD });
  await one.call('before', 'Heartbeat', {});
  t.same(frameLines(server, 'DBG-1'), [], 'off by default');

  const on = await server.apiJson('PUT', '/stations/DBG-1/debug', { enabled: true });
  t.equal(on.status, 200);
  t.same(on.body, { stationId: 'DBG-1', enabled: true });
  // The switch travels to the gateway threads; wait until a frame shows up.
  await eventually(async () => {
    await one.call(`hb-${Date.now()}`, 'Heartbeat', {});
    return frameLines(server, 'DBG-1').length >= 2;
  }, 10_000, 'frame lines of DBG-1');
  await two.call('other', 'Heartbeat', {});
  const lines = frameLines(server, 'DBG-1');
  t.match(lines[0], { level: 'info', direction: 'in', frame: /^\[2,"hb-\d+","Heartbeat",\{\}\]$/, tenantId: 'default', thread: Number });
  t.match(lines[1], { level: 'info', direction: 'out', frame: /^\[3,"hb-\d+",\{"currentTime":/ });
  t.same(frameLines(server, 'DBG-2'), [], 'other stations stay quiet');

  // A reconnect keeps the switch (it is per station id, on every thread).
  one.close();
  await one.closed;
  const again = await RawStation.open(t, server.ocppUrl, 'DBG-1', { password: PASSWORD });
  await again.call('after-reconnect', 'Heartbeat', {});
  await eventually(async () => frameLines(server, 'DBG-1').some((l) => String(l.frame).includes('after-reconnect')), 10_000, 'frames after the reconnect');

  t.equal((await server.apiJson('PUT', '/stations/DBG-1/debug', { enabled: false })).status, 200);
  await new Promise((r) => setTimeout(r, 200));
  const count = frameLines(server, 'DBG-1').length;
  await again.call('quiet', 'Heartbeat', {});
  await new Promise((r) => setTimeout(r, 200));
  t.equal(frameLines(server, 'DBG-1').length, count, 'off again');
  t.equal((await server.apiJson('PUT', '/stations/NOPE/debug', { enabled: true })).status, 404);
});
