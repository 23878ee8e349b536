import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../core/config.js';
import { MemoryBus } from '../../adapters/bus/memory-bus.js';
import type { CsmsNode as CsmsNodeType } from '../../workers/csms-node.js';
import { assertBuilt, freePort, type TestLike } from './server.js';

/**
 * A node's threads in this process (gateway and handler threads from dist/, since workers are
 * started from built files), on free ports and a temp data dir, stopped on teardown. For tests
 * of the node's own ports (e.g. the StationCaller) without the REST API around them.
 */
export async function startInProcessNode(t: TestLike, env: Record<string, string> = {}): Promise<{ node: CsmsNodeType; ocppUrl: string }> {
  assertBuilt();
  const { CsmsNode } = (await import('../../dist/workers/csms-node.js' as string)) as typeof import('../../workers/csms-node.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-node-'));
  const ocppPort = await freePort();
  const config = loadConfig({
    CSMS_OCPP_PORT: String(ocppPort),
    CSMS_API_PORT: String(await freePort()),
    CSMS_HOST: '127.0.0.1',
    CSMS_DATA_DIR: dataDir,
    CSMS_WORKERS: '1',
    CSMS_ALLOW_UNKNOWN_STATIONS: 'true',
    CSMS_LOG_LEVEL: 'silent',
    ...env,
  });
  const node = new CsmsNode(config, new MemoryBus(() => {}), pino({ level: 'silent' }));
  await node.start();
  t.teardown(async () => {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { node, ocppUrl: `ws://127.0.0.1:${ocppPort}/ocpp` };
}

/** Waits until the node's registry holds the station (its `connected` message crossed threads). */
export async function registered(node: CsmsNodeType, stationId: string): Promise<void> {
  for (let i = 0; i < 1500 && !node.registry.get(stationId); i++) await new Promise((r) => setTimeout(r, 20));
}
