import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../core/config.js';
import { MemoryBus } from '../../adapters/bus/memory-bus.js';
import { stationCallerContract } from '../contract/station-caller.js';
import { connectStrict } from '../helpers/ocpp-clients.js';
import { assertBuilt, freePort } from '../helpers/server.js';

// The node's thread-channel StationCaller, on a real node (gateway + handler threads from dist/)
// with a strict ocpp-rpc station. The NATS implementation runs the same contract in multi-node.
assertBuilt();
const { CsmsNode } = (await import('../../dist/workers/csms-node.js' as string)) as typeof import('../../workers/csms-node.js');

stationCallerContract(t, 'thread channel', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-caller-'));
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
  const node = new CsmsNode(config, new MemoryBus(() => {}), pino({ level: 'silent' }));
  await node.start();
  t.teardown(async () => {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const station = await connectStrict(t, { endpoint: `ws://127.0.0.1:${ocppPort}/ocpp`, identity: 'CALLER-1', version: 'ocpp2.0.1' });
  for (let i = 0; i < 50 && !node.registry.get('CALLER-1'); i++) await new Promise((r) => setTimeout(r, 20));
  return { caller: node, station, stationId: 'CALLER-1', tenantId: 'default', version: 'ocpp2.0.1' };
});
