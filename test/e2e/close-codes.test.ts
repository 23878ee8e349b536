import t from 'tap';
import { eventually, startServer, type TestServer } from '../helpers/server.js';
import { RawStation, bootPayload } from '../helpers/ocpp-clients.js';

// Issue #11 on a real server: WebSocket close codes a station can act on (RFC 6455), and the log
// lines an operator reads (JSON, ISO time, thread; connect/disconnect, boot, refused handshakes,
// CALLERRORs).

const MAX_FRAME = 4096;
const PASSWORD = 'close-codes-pw-1';

type Line = Record<string, unknown> & { msg: string };

/** The server's JSON log lines so far (stdout of every thread). */
function logLines(server: TestServer): Line[] {
  return server
    .output()
    .stdout.split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
}

const linesWith = (server: TestServer, msg: string, fields: Record<string, unknown> = {}) =>
  logLines(server).filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));

t.test('close codes and operator log lines', async (t) => {
  // Five wrong passwords for one id within the log window: the failed-login back-off (which would
  // refuse the later ones as rate-limited, a line of its own) is test/e2e/login-abuse.test.ts's subject.
  const server = await startServer(t, { env: { CSMS_MAX_FRAME_BYTES: String(MAX_FRAME), CSMS_LOG_LEVEL: 'info', CSMS_LOGIN_FREE_FAILURES: '1000', CSMS_LOGIN_LOCK_AFTER: '1000' } });
  await server.registerStation('CC-1', PASSWORD);

  t.test('a message over CSMS_MAX_FRAME_BYTES closes with 1009 and a reason', async (t) => {
    for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
      const station = await RawStation.open(t, server.ocppUrl, 'CC-1', { protocols: [protocol], password: PASSWORD });
      const frame = (data: string) => JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'x', data }]);
      const exact = frame('p'.repeat(MAX_FRAME - frame('').length));
      t.equal(Buffer.byteLength(exact), MAX_FRAME);
      station.send(exact);
      t.equal((await station.nextFrame())[1], 'big', 'a message of exactly the limit is read');
      station.send(frame('p'.repeat(MAX_FRAME)));
      const closed = await station.closed;
      t.equal(closed.code, 1009, `${protocol}: 1009 (message too big), not a bare TCP close (1006)`);
      t.match(closed.reason, /too big.*4096 bytes/i);
    }
  });

  t.test('invalid UTF-8 in a text message: uWS drops the connection (1006, see README)', async (t) => {
    // uws-pack 20.0.8 checks UTF-8 itself and closes the TCP connection before any callback of
    // ours runs, so no 1007 can be sent. If this starts failing with 1007, update the README table.
    const station = await RawStation.open(t, server.ocppUrl, 'CC-1', { protocols: ['ocpp2.0.1'], password: PASSWORD });
    station.ws.send(Buffer.from([0x5b, 0x32, 0xc3, 0x28, 0x5d]), { binary: false });
    t.equal((await station.closed).code, 1006);
  });

  t.test('connect, boot and disconnect are one line each, with what an operator needs', async (t) => {
    const station = await RawStation.open(t, server.ocppUrl, 'CC-1', { protocols: ['ocpp2.0.1'], password: PASSWORD });
    const booted = await station.call('boot-1', 'BootNotification', bootPayload('ocpp2.0.1', { vendor: 'ACME', model: 'Roadrunner', firmwareVersion: '9.9' }));
    t.equal(booted[0], 3);
    station.send('not json at all');
    await station.nextFrame();
    station.close(1000);
    await station.closed;
    const [connected] = await eventually(async () => {
      const found = linesWith(server, 'station connected', { stationId: 'CC-1', protocol: 'ocpp2.0.1' });
      return found.length > 0 && found.slice(-1);
    }, 10_000, 'the connect line');
    t.match(connected, { level: 'info', thread: 1, tenantId: 'default', remoteAddress: '127.0.0.1', connId: String });
    t.match(connected!.time, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/, 'ISO time');
    const connId = connected!.connId;
    const [disconnected] = await eventually(async () => {
      const found = linesWith(server, 'station disconnected', { stationId: 'CC-1', connId });
      return found.length > 0 && found;
    }, 10_000, 'the disconnect line');
    t.match(disconnected, { level: 'info', thread: 1, tenantId: 'default', protocol: 'ocpp2.0.1', remoteAddress: '127.0.0.1', code: 1000, reason: String });
    t.match(linesWith(server, 'station disconnected', { stationId: 'CC-1', code: 1009 })[0], { reason: /too big/i }, 'the 1009 close is logged with its reason');
    const boot = await eventually(async () => linesWith(server, 'station booted', { stationId: 'CC-1', firmwareVersion: '9.9' })[0], 10_000, 'the boot line');
    t.match(boot, { level: 'info', thread: 'handlers', tenantId: 'default', protocol: 'ocpp2.0.1', vendor: 'ACME', model: 'Roadrunner', status: 'Accepted', reason: 'PowerUp' });
    t.match(linesWith(server, 'CALLERROR sent', { stationId: 'CC-1', id: '-1' }), [{ level: 'info', thread: 1, code: 'RpcFrameworkError', description: /JSON/ }], 'the CALLERROR we sent');
  });

  t.test('refused handshakes: reason, station id and address; one line per station per 10 s', async (t) => {
    for (let i = 0; i < 4; i++) {
      await t.rejects(RawStation.open(t, server.ocppUrl, 'CC-1', { password: 'wrong-password' }), { statusCode: 401 });
    }
    await t.rejects(RawStation.open(t, server.ocppUrl, 'CC-1'), { statusCode: 401 });
    await t.rejects(RawStation.open(t, server.ocppUrl, 'CC-NOPE', { password: PASSWORD }), { statusCode: 401 });
    const refused = await eventually(async () => {
      const found = linesWith(server, 'handshake refused');
      return found.some((l) => l.stationId === 'CC-NOPE') && found;
    }, 10_000, 'the refusal lines');
    t.match(refused.filter((l) => l.stationId === 'CC-1'), [{ level: 'info', status: 401, reason: 'wrong password', remoteAddress: '127.0.0.1', thread: 1 }]);
    t.equal(refused.filter((l) => l.stationId === 'CC-1').length, 1, 'five refusals of CC-1 within 10 s: one line');
    t.match(refused.filter((l) => l.stationId === 'CC-NOPE'), [{ reason: 'unknown station', status: 401 }]);
  });
});
