import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CsmsConfig } from '../core/config.js';
import { failedReply, type StationCall, type StationReply } from '../core/envelope.js';
import { compileVersionSchemas, type VersionSchemas } from '../core/schemas.js';
import type { OcppVersion } from '../core/protocols.js';
import type { InboundPort } from '../actors/router.js';
import { Gateway } from './gateway.js';
import type { FrameSink } from '../actors/frame-sink.js';
import { createGatewayMetrics } from './metrics.js';
import { startHeapSettler } from './heap-settler.js';
import { createLogger } from './logger.js';
import { StationAuthenticator, type LoginLookup } from './station-auth.js';
import { ThreadChannel } from './thread-channel.js';
import { FrameJournal, frameJournalDir } from './frame-journal.js';
import { inboundFrame, type LoggedFrame } from '../core/ports/store/message-log-store.js';
import type { GatewayToHandler, GatewayToMain, MainToGateway } from './thread-messages.js';
import { RateSeries } from '../core/rate-series.js';

/** Gateway thread entry: owns one uWS App and the actors of the sockets it accepted. */
export interface GatewayWorkerData {
  config: CsmsConfig;
  thread: number;
  /** Names this process's frame journal files (workers/frame-journal.ts). */
  runId: string;
  /** This thread's private channel to the handler thread (store, station-initiated handlers). */
  handlerPort: MessagePort;
  /** The HMAC key of remembered station passwords, the same on every gateway thread of the node. */
  authKey: Uint8Array;
}

const { config, thread, runId, handlerPort, authKey } = workerData as GatewayWorkerData;
const log = createLogger(config.logLevel, { thread });
const metrics = createGatewayMetrics(String(thread));
const rates = new RateSeries();
startHeapSettler();

let gateway: Gateway | undefined;
let auth: StationAuthenticator | undefined;
/**
 * Set while the handler thread is dead and its replacement not yet here (it cannot start while
 * the store is unreachable). What needs it is refused at once, so a station gets InternalError
 * and sends again, instead of waiting for an answer from a thread that no longer exists.
 */
let handlersGone: Error | undefined;
let handlers = handlerChannel(handlerPort);

/** The channel to a handler thread; its port closes when that thread ends. */
function handlerChannel(port: MessagePort): ThreadChannel<never, GatewayToHandler> {
  const channel = new ThreadChannel<never, GatewayToHandler>(port, () => undefined);
  port.once('close', () => {
    if (channel !== handlers) return;
    handlersGone = new Error('handler thread restarting');
    channel.failPending(handlersGone);
  });
  handlersGone = undefined;
  return channel;
}
function toHandlers<T>(message: GatewayToHandler): Promise<T> {
  return handlersGone ? Promise.reject(handlersGone) : handlers.request<T>(message);
}

/** Messages answered by the gateway itself, and logged frames, reach the handler thread within this many ms, in order. */
const POSTED_DELAY_MS = config.storage.asyncFlushMs;

const { messageLogRetention, natsFrameMirror } = config.controlPlane;
const logging = messageLogRetention.kind !== 'off';
// CSMS_MESSAGE_LOG_DURABILITY=journal: what this thread hands the handler thread for logging later
// is first appended to its journal, so an answer never goes out for a frame a kill -9 could lose.
// A journal file is deleted once the handler thread has committed everything sent before it was
// rotated, and no commit failed in between (the failure count it returns has not moved).
let committedFailures = 0;
const journal =
  logging && config.storage.messageLogDurability === 'journal'
    ? new FrameJournal({
        dir: frameJournalDir(config.dataDir, config.controlPlane),
        writerId: `${runId}-g${thread}`,
        confirm: async () => {
          const failures = await toHandlers<number>({ k: 'barrier' });
          const clean = failures === committedFailures;
          committedFailures = failures;
          if (!clean) throw new Error('a store commit failed since the last rotation');
        },
        onError: (error, what) => log.error({ err: error }, what),
      })
    : undefined;

// Frames the handler thread does not log itself (our answers, our calls and their answers,
// refusals) travel on the same channel as the posted messages, so the log keeps wire order.
const frames: FrameSink | undefined =
  logging || natsFrameMirror
    ? {
        record: (session, direction, messageType, messageId, action, frame) => {
          const row: LoggedFrame = { tenantId: session.tenantId, stationId: session.stationId, direction, messageType, messageId, action, frame, at: new Date().toISOString() };
          journal?.append(row);
          handlers.sendLater({ k: 'frames', frames: [row] }, POSTED_DELAY_MS);
        },
      }
    : undefined;

const inbound: InboundPort = {
  handle: (message) => toHandlers<StationReply>({ k: 'message', message }),
  // CSMS_MESSAGE_LOG_DURABILITY=all (with the log on): a gateway answer waits until the station's
  // frame is committed to the log (one reply per batch, in the handler thread's group commit).
  // Default `journal`: the frame is in this thread's journal before the answer; `data`: nothing
  // waits. Either way the message and its frame reach the store within the flush delay.
  post: (message) => {
    // Not acknowledged: the message would be lost with nobody to hand it to.
    if (handlersGone) return Promise.reject(handlersGone);
    if (logging && config.storage.messageLogDurability === 'all') return handlers.request<void>({ k: 'posted', message });
    journal?.append(inboundFrame(message));
    handlers.sendLater({ k: 'message', message }, POSTED_DELAY_MS);
  },
};

const main: ThreadChannel<MainToGateway, GatewayToMain> = new ThreadChannel<MainToGateway, GatewayToMain>(parentPort!, (message) => {
  switch (message.k) {
    case 'call':
      return callStation(message.call);
    case 'kick':
      gateway?.kick(message.stationId, message.connId, message.close);
      return undefined;
    case 'forget':
      auth?.forget(message.stationId);
      return undefined;
    case 'learn':
      auth?.learn(message.stationId, message.entry);
      return undefined;
    case 'debug':
      gateway?.setDebug(message.stationId, message.enabled);
      return undefined;
    case 'watch':
      gateway?.setWatch(message.stationId, message.enabled);
      return undefined;
    case 'metrics':
      return metrics.registry.getMetricsAsJSON();
    case 'rates':
      return rates.snapshot(message.tenantId);
    case 'reload-tls':
      return gateway?.reloadTls();
    case 'handler-port':
      handlers.failPending(new Error('handler thread restarted'));
      handlers = handlerChannel(message.port);
      return undefined;
    case 'stop':
      return gateway?.stop().then(async () => {
        handlers.flushAll();
        main.flush();
        // The last journal file goes once the handler thread confirms it (it stops after us);
        // if it does not within a second, the file stays and the next start replays it.
        if (journal) await Promise.race([journal.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      });
  }
});

function callStation(call: StationCall): Promise<StationReply> {
  const actor = gateway?.actorFor(call.stationId);
  if (!actor || actor.isClosed || actor.session.tenantId !== call.tenantId) {
    return Promise.resolve(failedReply('disconnected', `Station ${call.stationId} is not connected to this thread`));
  }
  return actor.call(call.action, call.payload);
}

async function start(): Promise<void> {
  const loaded = new Map<OcppVersion, VersionSchemas>();
  const schemas = (version: OcppVersion) => {
    let found = loaded.get(version);
    if (!found) loaded.set(version, (found = compileVersionSchemas(version)));
    return found;
  };
  gateway = new Gateway({
    config,
    thread,
    schemas,
    inbound,
    auth: (auth = new StationAuthenticator(
      {
        lookup: (stationId, remoteAddress) => toHandlers<LoginLookup>({ k: 'login', stationId, remoteAddress }),
        failed: (stationId, remoteAddress, code) => handlers.send({ k: 'login-failed', stationId, remoteAddress, code }),
        succeeded: (stationId, confirm) => handlers.send(confirm === undefined ? { k: 'login-ok', stationId } : { k: 'login-ok', stationId, confirm }),
      },
      config.allowUnknownStations,
      { key: authKey, learned: (stationId, entry, lookedUpAt) => main.send({ k: 'admitted', stationId, entry, lookedUpAt }) },
    )),
    metrics,
    log,
    frames,
    rates,
    hooks: {
      connected: (data) => main.send({ k: 'connected', ...data }),
      frame: (frame) => main.send({ k: 'live-frame', frame }),
      disconnected: (data) => {
        main.send({ k: 'disconnected', ...data });
        handlers.send({ k: 'gone', tenantId: data.tenantId, stationId: data.stationId, at: new Date().toISOString() });
      },
    },
  });
  const listening = await gateway.listen();
  main.send(listening ? { k: 'ready' } : { k: 'listen-failed', message: `cannot listen on ${config.host}:${config.ocppPort}` });
}

start().catch((error) => {
  log.error({ err: error }, 'gateway thread failed to start');
  main.send({ k: 'listen-failed', message: String(error) });
});
