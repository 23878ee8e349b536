import t from 'tap';
import { startServer } from '../helpers/server.js';
import { RawStation, VERSIONS, bootPayload, connectStrict, nextClose, type StrictClient } from '../helpers/ocpp-clients.js';

// Connection-level behaviour with two gateway threads: a duplicate station id replaces the older
// connection (same thread or another thread), and misbehaving sockets do not disturb others.

const PASSWORD = 'connections-pw-1';
const MAX_FRAME = 4096;

t.test('two gateway threads', async (t) => {
  const server = await startServer(t, { env: { CSMS_WORKERS: '2', CSMS_MAX_FRAME_BYTES: String(MAX_FRAME), CSMS_CALL_TIMEOUT: '10' } });
  const station = async (id: string) => (await server.apiJson('GET', `/stations/${id}`)).body as { connected: boolean; gatewayThread: number | null; protocol: string };
  const connectedCount = async () => ((await server.apiJson('GET', '/health')).body as { connectedStations: number }).connectedStations;

  for (const version of VERSIONS) {
    t.test(`${version}: a second connection with the same id replaces the first, on the same or another thread`, async (t) => {
      const id = `DUP-${version}`;
      await server.registerStation(id, PASSWORD);
      const csmsCall = version === 'ocpp1.6' ? ['Reset', { type: 'Soft' }] as const : ['Reset', { type: 'OnIdle' }] as const;

      const open = async (n: number): Promise<StrictClient> => {
        const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
        client.handle('Reset', async () => ({ status: 'Accepted' }));
        // A round trip through the store orders this after the thread's 'connected' notice on the
        // main thread, so the registry already points at this connection afterwards.
        await client.call('Heartbeat', {});
        (client as unknown as { n: number }).n = n;
        return client;
      };

      let current = await open(0);
      await current.call('BootNotification', bootPayload(version));
      let currentThread = (await station(id)).gatewayThread;
      t.ok(currentThread === 1 || currentThread === 2, `first connection on thread ${currentThread}`);
      const seen = { same: 0, other: 0 };
      for (let n = 1; n <= 40 && (seen.same === 0 || seen.other === 0); n++) {
        const closed = nextClose(current);
        const next = await open(n);
        const { code } = await closed;
        const view = await station(id);
        const kind = view.gatewayThread === currentThread ? 'same' : 'other';
        seen[kind]++;
        if (seen[kind] === 1) {
          t.equal(code, 4000, `${kind} thread: the older connection was closed with 4000`);
          t.equal(view.connected, true, `${kind} thread: still shown connected`);
          t.equal(view.protocol, version);
          // The CSMS reaches the new connection.
          let handledBy = -1;
          next.handle('Reset', async () => {
            handledBy = (next as unknown as { n: number }).n;
            return { status: 'Accepted' };
          });
          const answer = await server.apiJson('POST', `/stations/${id}/ocpp/${csmsCall[0]}`, csmsCall[1]);
          t.equal(answer.status, 200, `${kind} thread: CSMS→station call answered`);
          t.same(answer.body, { result: { status: 'Accepted' } });
          t.equal(handledBy, n, `${kind} thread: the newest connection answered`);
          t.ok(await next.call('Heartbeat', {}), `${kind} thread: the new connection works`);
        }
        current = next;
        currentThread = view.gatewayThread;
      }
      t.ok(seen.same > 0, 'a replacement on the same thread was seen');
      t.ok(seen.other > 0, 'a replacement across threads was seen');

      const closed = nextClose(current);
      await current.close();
      await closed;
      // The older connections' late 'disconnected' notices must not have removed the newest one,
      // and closing the newest one does.
      t.equal((await station(id)).connected, false, 'disconnected after the last one closed');
    });
  }

  t.test('a station deleted through the API is closed with 1008 and a reason', async (t) => {
    await server.registerStation('DELETED-1', PASSWORD);
    const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: 'DELETED-1', password: PASSWORD, version: 'ocpp2.0.1' });
    await client.call('BootNotification', bootPayload('ocpp2.0.1'));
    const closed = nextClose(client);
    t.equal((await server.apiJson('DELETE', '/stations/DELETED-1')).status, 204);
    t.same(await closed, { code: 1008, reason: 'Station deleted' }, 'policy violation, with the reason');
  });

  t.test('garbage and oversized frames only affect the offender', async (t) => {
    const bystanders: Array<{ version: string; client: StrictClient }> = [];
    for (const version of VERSIONS) {
      for (let i = 0; i < 3; i++) {
        const id = `BY-${version}-${i}`;
        await server.registerStation(id, PASSWORD);
        const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password: PASSWORD, version });
        client.handle('Reset', async () => ({ status: 'Accepted' }));
        await client.call('BootNotification', bootPayload(version));
        bystanders.push({ version, client });
      }
    }
    const threads = new Set<number | null>();
    for (const b of bystanders) threads.add((await station(b.client.identity!)).gatewayThread);
    t.comment(`bystanders on threads ${[...threads].join(', ')}`);

    // Keep every bystander busy while the offenders misbehave.
    let stop = false;
    const traffic = bystanders.map(async ({ client }) => {
      let answered = 0;
      while (!stop) {
        await client.call('Heartbeat', {});
        answered++;
      }
      return answered;
    });

    await server.registerStation('OFFENDER-1', PASSWORD);
    for (const version of VERSIONS) {
      const offender = await RawStation.open(t, server.ocppUrl, 'OFFENDER-1', { protocols: [version], password: PASSWORD });
      offender.send('\u0000\u0001garbage}{');
      const answer = await offender.nextFrame();
      t.same(answer.slice(0, 2), [4, '-1'], `${version}: garbage answered with a CALLERROR for id -1`);
      offender.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
      t.same((await offender.nextFrame()).slice(0, 2), [4, '-1'], `${version}: binary garbage answered too`);
      t.same((await offender.call('still-1', 'Heartbeat', {})).slice(0, 2), [3, 'still-1'], `${version}: garbage does not cost the connection`);

      // Just under the limit is fine (a well-formed CALL, answered UnknownVendorId), just over disconnects.
      const padding = (size: number) => JSON.stringify([2, 'big-1', 'DataTransfer', { vendorId: 'x', data: 'p'.repeat(size) }]);
      const under = padding(MAX_FRAME - padding(0).length);
      t.equal(Buffer.byteLength(under), MAX_FRAME);
      t.equal((await offender.call('big-1', 'DataTransfer', { vendorId: 'x', data: 'p'.repeat(MAX_FRAME - padding(0).length) }))[0], 3, `${version}: a frame of exactly CSMS_MAX_FRAME_BYTES is read`);
      offender.send(padding(MAX_FRAME * 4));
      const closed = await offender.closed;
      t.ok(closed.code >= 1000, `${version}: oversized frame → offender disconnected (code ${closed.code})`);
    }

    // Invalid UTF-8 in a text frame breaks the WebSocket protocol: uWebSockets drops the socket.
    const badUtf8 = await RawStation.open(t, server.ocppUrl, 'OFFENDER-1', { protocols: ['ocpp2.0.1'], password: PASSWORD });
    badUtf8.ws.send(Buffer.from([0x5b, 0x32, 0xc3, 0x28, 0x5d]), { binary: false });
    const { code } = await badUtf8.closed;
    t.ok(code >= 1000, `invalid UTF-8 → offender disconnected (code ${code})`);

    stop = true;
    const counts = await Promise.all(traffic);
    t.ok(counts.every((c) => c > 0), `every bystander kept getting answers (${counts.join(', ')})`);
    for (const { client } of bystanders) {
      const answer = await server.apiJson('POST', `/stations/${client.identity}/ocpp/Reset`, client.protocol === 'ocpp1.6' ? { type: 'Soft' } : { type: 'Immediate' });
      t.equal(answer.status, 200, `${client.identity} still reachable from the CSMS`);
    }
    t.equal(await connectedCount(), bystanders.length, 'only the offenders left');
    for (const { client } of bystanders) await client.close();
  });
});
