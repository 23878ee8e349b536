import { parentPort, workerData } from 'node:worker_threads';
import type { CsmsConfig } from '../core/config.js';
import { compileVersionSchemas } from '../core/schemas.js';
import { SUPPORTED_VERSIONS, type OcppVersion } from '../core/protocols.js';
import type { GatewayStore, StationLogin } from '../adapters/store/store.js';
import { CallFailure, type CallOutcome } from '../actors/outbound-calls.js';
import { Gateway } from './gateway.js';
import { FrameBatcher } from './frame-batcher.js';
import { createGatewayMetrics } from './metrics.js';
import { createLogger } from './logger.js';
import { StationAuthenticator } from './station-auth.js';
import { ThreadChannel, type ThreadMessage } from './thread-channel.js';

/** Gateway thread entry: owns one uWS App and the actors of the sockets it accepted. */
export interface GatewayWorkerData {
  config: CsmsConfig;
  thread: number;
}

const { config, thread } = workerData as GatewayWorkerData;
const log = createLogger(config.logLevel, { thread });
const metrics = createGatewayMetrics(String(thread));

let gateway: Gateway | undefined;
let auth: StationAuthenticator | undefined;
const { messageLogRetention, natsFrameMirror } = config.controlPlane;
// Frames go to the main thread in batches, only when the message log or the NATS mirror wants them.
const frames =
  messageLogRetention.kind !== 'off' || natsFrameMirror ? new FrameBatcher((batch) => channel.send({ k: 'frames', frames: batch })) : undefined;

const channel: ThreadChannel = new ThreadChannel(parentPort!, (message: ThreadMessage): unknown => {
  switch (message.k) {
    case 'call':
      return callStation(message.stationId as string, message.action as string, message.payload as Record<string, unknown>);
    case 'kick':
      gateway?.kick(message.stationId as string, message.connId as string);
      return undefined;
    case 'forget':
      auth?.forget(message.stationId as string);
      return undefined;
    case 'metrics':
      return metrics.registry.getMetricsAsJSON();
    case 'stop':
      return gateway?.stop().then(() => {
        frames?.flush();
        channel.flush();
      });
    default:
      throw new Error(`Unknown message ${message.k}`);
  }
});

async function callStation(stationId: string, action: string, payload: Record<string, unknown>): Promise<CallOutcome> {
  const actor = gateway?.actorFor(stationId);
  if (!actor || actor.isClosed) throw new CallFailure('disconnected', `Station ${stationId} is not connected to this thread`);
  return actor.call(action, payload);
}

/** Store calls are forwarded to the main thread, which owns the database and commits in groups. */
function remoteStore(): GatewayStore {
  const call = (method: string) => (...args: unknown[]) => channel.request({ k: 'store', method, args });
  return {
    findStationLogin: call('findStationLogin') as GatewayStore['findStationLogin'],
    recordBoot: call('recordBoot') as GatewayStore['recordBoot'],
    recordSeen: call('recordSeen') as GatewayStore['recordSeen'],
    recordConnectorStatus: call('recordConnectorStatus') as GatewayStore['recordConnectorStatus'],
    startTransaction16: call('startTransaction16') as GatewayStore['startTransaction16'],
    applyTransactionEvent: call('applyTransactionEvent') as GatewayStore['applyTransactionEvent'],
    recordStationMeterValues: call('recordStationMeterValues') as GatewayStore['recordStationMeterValues'],
    findActiveTransaction: call('findActiveTransaction') as GatewayStore['findActiveTransaction'],
    findIdToken: call('findIdToken') as GatewayStore['findIdToken'],
    recordSeenIdToken: call('recordSeenIdToken') as GatewayStore['recordSeenIdToken'],
    recordDeviceModel: call('recordDeviceModel') as GatewayStore['recordDeviceModel'],
  };
}

async function main(): Promise<void> {
  const schemas = Object.fromEntries(SUPPORTED_VERSIONS.map((v) => [v, compileVersionSchemas(v)])) as Record<
    OcppVersion,
    ReturnType<typeof compileVersionSchemas>
  >;
  const store = remoteStore();
  gateway = new Gateway({
    config,
    thread,
    schemas,
    store,
    auth: (auth = new StationAuthenticator((id) => store.findStationLogin(id) as Promise<StationLogin | undefined>, config.allowUnknownStations)),
    metrics,
    log,
    frames,
    hooks: {
      connected: (data) => channel.send({ k: 'connected', ...data }),
      disconnected: (data) => channel.send({ k: 'disconnected', ...data }),
      event: (event) => channel.send({ k: 'event', event }),
    },
  });
  const listening = await gateway.listen();
  channel.send(listening ? { k: 'ready' } : { k: 'listen-failed', message: `cannot listen on ${config.host}:${config.ocppPort}` });
}

main().catch((error) => {
  log.error({ err: error }, 'gateway thread failed to start');
  channel.send({ k: 'listen-failed', message: String(error) });
});
