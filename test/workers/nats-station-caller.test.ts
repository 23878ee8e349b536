import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { loadConfig } from '../../core/config.js';
import { MemoryBus } from '../../adapters/bus/memory-bus.js';
import { CommandRouter, NatsStationCaller } from '../../workers/command-router.js';
import { stationCallerContract } from '../contract/station-caller.js';
import { connectStrict } from '../helpers/ocpp-clients.js';
import { startNats } from '../helpers/nats-server.js';
import { assertBuilt, freePort } from '../helpers/server.js';

// The NATS StationCaller: node A calls a station held by node B (real gateway and handler threads
// from dist/) through B's command router, over a real nats-server. Same contract as the thread
// channel (test/workers/thread-station-caller.test.ts).
assertBuilt();
const { CsmsNode } = (await import('../../dist/workers/csms-node.js' as string)) as typeof import('../../workers/csms-node.js');

stationCallerContract(t, 'NATS request/reply', async (t) => {
  const nats = await startNats(t);
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-nats-caller-'));
  const ocppPort = await freePort();
  const config = loadConfig({
    CSMS_OCPP_PORT: String(ocppPort),
    CSMS_API_PORT: String(await freePort()),
    CSMS_HOST: '127.0.0.1',
    CSMS_DATA_DIR: dataDir,
    CSMS_WORKERS: '1',
    CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
    CSMS_CALL_TIMEOUT: '1',
    CSMS_LOG_LEVEL: 'silent',
  });
  const nodeB = new CsmsNode(config, new MemoryBus(() => {}), pino({ level: 'silent' }));
  await nodeB.start();
  const ncA = await connect({ servers: nats.url });
  const ncB = await connect({ servers: nats.url });
  const router = new CommandRouter(
    ncB,
    { holds: (tenantId, stationId) => nodeB.registry.get(stationId)?.tenantId === tenantId, sendLocal: (call) => nodeB.call(call) },
    (error) => t.comment(`router: ${String(error)}`),
  );
  router.listen();
  t.teardown(async () => {
    router.close();
    await ncA.close();
    await ncB.close();
    await nodeB.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  // The cluster directory answers where a station is; here node B's registry plays it.
  const caller = new NatsStationCaller(ncA, 5_000, async (stationId) => nodeB.registry.get(stationId));
  const station = await connectStrict(t, { endpoint: `ws://127.0.0.1:${ocppPort}/ocpp`, identity: 'CALLER-N', version: 'ocpp1.6' });
  for (let i = 0; i < 50 && !nodeB.registry.get('CALLER-N'); i++) await new Promise((r) => setTimeout(r, 20));
  return { caller, station, stationId: 'CALLER-N', tenantId: 'default', version: 'ocpp1.6' };
});
