import { OcpiTokenAuthorizer } from '../ocpi/token-authorizer.js';
import { loadOcpiConfig } from '../ocpi/config.js';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CsmsConfig } from '../core/config.js';
import { busEvent, type StationMessage } from '../core/envelope.js';
import { inboundFrame } from '../core/ports/store/message-log-store.js';
import { csmsClosedEvent } from '../core/transaction-summary.js';
import type { TransactionRecord } from '../core/transaction-types.js';
import { InboundDispatcher } from '../actors/inbound-dispatcher.js';
import { openStore } from '../adapters/store/open-store.js';
import { loadVendorExtensions } from './vendor-extensions.js';
import { openPlugAndCharge } from '../adapters/pki/open-plug-and-charge.js';
import { SqliteStore } from '../adapters/store/sqlite-store.js';
import type { Store } from '../core/ports/store/store.js';
import { LastSeenBuffer } from './last-seen-buffer.js';
import { createLogger } from './logger.js';
import { MessageLogWriter } from './message-log-writer.js';
import { createEventLoopLagGauge } from './metrics.js';
import { startHeapSettler } from './heap-settler.js';
import { ThreadChannel } from './thread-channel.js';
import { EventOutbox } from './event-outbox.js';
import { frameJournalDir, replayFrameJournals } from './frame-journal.js';
import { LoginGate } from './login-gate.js';
import type { PublishOutcome } from '../core/ports/bus.js';
import type { GatewayToHandler, HandlerToMain, MainToHandler } from './thread-messages.js';

/**
 * The handler thread: owns the store the hot path writes (the only writer of a SQLite file)
 * and runs every station-initiated handler next to it. Each gateway thread talks to it on its
 * own MessagePort, one batch per event-loop turn each way; the main thread gets bus events.
 */
export interface HandlerWorkerData {
  config: CsmsConfig;
  /** This process's run: its gateways' frame journal files are live, never replayed. */
  runId: string;
}

const { config, runId } = workerData as HandlerWorkerData;
const log = createLogger(config.logLevel, { thread: 'handlers' });
const registry = new Registry();
createEventLoopLagGauge(registry, 'handlers');
startHeapSettler();
const commits = new Counter({ name: 'csms_store_commits_total', help: 'Group commits of the handler thread store', registers: [registry] });
const commitWrites = new Histogram({
  name: 'csms_store_commit_writes',
  help: 'Writes per group commit',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  registers: [registry],
});
const commitSeconds = new Histogram({
  name: 'csms_store_commit_seconds',
  help: 'Time one group commit takes',
  buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
  registers: [registry],
});

const outboxPending = new Gauge({ name: 'csms_event_outbox_pending', help: 'Events committed to the outbox and not yet acknowledged by the bus', registers: [registry] });
const outboxRetried = new Counter({
  name: 'csms_event_outbox_retried_total',
  help: 'Event publish attempts the bus did not acknowledge; each is retried (not a loss)',
  registers: [registry],
});
const notifyEventsDropped = new Counter({
  name: 'csms_notify_events_dropped_total',
  help: 'NotifyEvent events answered but not stored one by one: beyond the station\'s budget (CSMS_EVENT_RATE / CSMS_EVENT_BURST), summarised per storm',
  registers: [registry],
});
const outboxDropped = new Counter({
  name: 'csms_event_outbox_dropped_total',
  help: 'Events given up for good (the bus refused them permanently, e.g. larger than its max payload)',
  registers: [registry],
});

let stopping: Promise<void> | undefined;
/** Transactions closed per stale sweep at most (the rest go on the next one). */
const STALE_SWEEP_BATCH = 500;
/** How often the handler thread checks that the SQLite file is still the one it opened. */
const FILE_CHECK_MS = 1000;

async function main(): Promise<void> {
  const store: Store = await openStore({
    ...config,
    // The main thread's connection checkpoints the WAL (see csms-node/main); never inside our commits.
    checkpointEveryMs: 0,
    onCommit: (writes: number, ms: number) => {
      commits.inc();
      commitWrites.observe(writes);
      commitSeconds.observe(ms / 1000);
    },
  });
  // Store health, told to main only when a check flips; a failure is logged once with its cause.
  const failing = new Map<'store-writable' | 'sqlite-file', string>();
  const report = (check: 'store-writable' | 'sqlite-file', fault: unknown) => {
    if (fault === undefined) {
      if (!failing.delete(check)) return;
      log.warn({ check }, 'store recovered: ready again');
      toMain.send({ k: 'store-health', check, ok: true });
      return;
    }
    if (failing.has(check)) return;
    const reason = fault instanceof Error ? fault.message : String(fault);
    failing.set(check, reason);
    log.error({ err: fault, check }, 'store failing: writes are refused until it recovers');
    toMain.send({ k: 'store-health', check, ok: false, reason });
  };
  let fileTimer: NodeJS.Timeout | undefined;
  // Counted for the frame journal: a gateway keeps a journal file when a commit failed meanwhile.
  let commitFailures = 0;
  store.onCommitOutcome = (fault) => {
    if (fault !== undefined) commitFailures++;
    report('store-writable', fault);
  };
  if (store instanceof SqliteStore) {
    fileTimer = setInterval(() => {
      try {
        report('sqlite-file', store.checkFile(true));
      } catch (error) {
        report('sqlite-file', error);
      }
    }, FILE_CHECK_MS);
    fileTimer.unref();
  }
  // Transactions without a message for CSMS_STALE_TRANSACTION_HOURS are closed, flagged (core/transaction-fold.ts).
  const staleMs = config.sessions.staleTransactionHours * 3_600_000;
  let staleTimer: NodeJS.Timeout | undefined;
  if (staleMs > 0) {
    let sweeping = false;
    staleTimer = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      const ended = (closed: TransactionRecord[]) => closed.map((tx) => csmsClosedEvent(tx, 'closed-after-timeout', { staleTransactionHours: config.sessions.staleTransactionHours }));
      // Each close is a transaction.ended like any other end: with NATS, into the outbox in the
      // same transaction as the closes (SQLite, PostgreSQL: the store calls build); else after.
      let kept = 0;
      const build = (closed: TransactionRecord[]) => {
        const events = ended(closed);
        kept = events.length;
        return events;
      };
      store.transactions
        .closeStaleTransactions(new Date(Date.now() - staleMs).toISOString(), STALE_SWEEP_BATCH, outbox ? { owner: outbox.owner, build } : undefined)
        .then(async (closed) => {
          if (outbox && kept > 0) outbox.committed(kept);
          else if (outbox && closed.length > 0) await outbox.append(ended(closed));
          else for (const event of ended(closed)) toMain.send({ k: 'event', event });
          for (const tx of closed) {
            log.warn(
              { tenantId: tx.tenantId, stationId: tx.stationId, transactionId: tx.id, endedAt: tx.endedAt, staleTransactionHours: config.sessions.staleTransactionHours },
              'transaction closed after timeout: no message for it',
            );
          }
        })
        .catch((error: unknown) => log.error({ err: error }, 'stale transaction sweep failed'))
        .finally(() => (sweeping = false));
    }, Math.max(1000, Math.min(10 * 60_000, staleMs / 4)));
    staleTimer.unref();
  }
  // While the store fails, each failed write is that one known failure: not logged again per message.
  const onError = (what: string) => (error: unknown) =>
    failing.has('store-writable') ? log.debug({ err: error }, what) : log.error({ err: error }, what);
  const { messageLogRetention, natsFrameMirror } = config.controlPlane;
  const messageLog =
    messageLogRetention.kind !== 'off' || natsFrameMirror
      ? new MessageLogWriter({
          store: store.messageLog,
          retention: messageLogRetention,
          onError: onError('message log write failed'),
          mirror: natsFrameMirror ? (frames) => toMain.send({ k: 'frames', frames }) : undefined,
        })
      : undefined;
  // With NATS, events a handler committed go through the durable outbox (workers/event-outbox.ts):
  // written before the answer, published by main after the commit, retried until JetStream acks.
  const outbox = config.controlPlane.natsUrl
    ? new EventOutbox({
        store: store.outbox,
        owner: outboxOwner(config.controlPlane, store instanceof SqliteStore, log),
        publish: (events) => toMain.request<PublishOutcome>({ k: 'publish-events', events }),
        metrics: {
          pending: (n) => outboxPending.set(n),
          retried: (n) => outboxRetried.inc(n),
          dropped: (n) => outboxDropped.inc(n),
        },
        onError: onError('event outbox failed'),
      })
    : undefined;
  const lastSeen = new LastSeenBuffer(store.stations, config.storage.lastSeenFlushSec * 1000, onError('last-seen flush failed'));
  const vendors = await loadVendorExtensions(config.vendorExtensions);
  const dispatcher = new InboundDispatcher({
    store,
    vendors,
    // Roaming partners' tokens (OCPI): read from this thread's store, real-time authorization from here.
    roaming: new OcpiTokenAuthorizer(store.ocpi, { timeoutMs: loadOcpiConfig(process.env, '').realtimeTimeoutMs, log }),
    pnc: openPlugAndCharge(config.plugAndCharge),
    lastSeen,
    clock: () => new Date(),
    settings: {
      heartbeatIntervalSec: config.heartbeatIntervalSec,
      unknownTokens: config.unknownTokens,
      certificateOrganization: config.certificates.organization,
      v2gSigning: config.certificates.v2g.kind !== 'none',
      eventBudget: { ratePerSec: config.stationData.eventRatePerSec, burst: config.stationData.eventBurst },
    },
    metrics: { notifyEventsDropped: (n) => notifyEventsDropped.inc(n) },
    events: { emit: (type, session, payload) => toMain.send({ k: 'event', event: busEvent(type, session.tenantId, session.stationId, payload) }) },
    logFrame: messageLog ? (m: StationMessage) => messageLog.record(inboundFrame(m)) : undefined,
    outbox,
    onInternalError: (error, m) =>
      (failing.has('store-writable') ? log.debug : log.error).call(log, { err: error, action: m.action, stationId: m.stationId }, 'handler failed'),
    log,
  });

  const logins = new LoginGate(store.stations, config.security.loginThrottle, log);
  logins.onLoginChanged = (stationId) => toMain.send({ k: 'login-changed', stationId });
  const gateways = new Map<number, ThreadChannel<GatewayToHandler, never>>();
  const attach = (thread: number, port: MessagePort) => {
    gateways.get(thread)?.failPending(new Error('gateway thread replaced'));
    gateways.set(
      thread,
      new ThreadChannel<GatewayToHandler, never>(port, (message) => {
        switch (message.k) {
          case 'message':
            return dispatcher.handle(message.message);
          case 'posted':
            return dispatcher.accept(message.message);
          case 'login':
            return logins.lookup(message.stationId, message.remoteAddress);
          case 'login-failed':
            return logins.failed(message.stationId, message.remoteAddress, message.code);
          case 'login-ok':
            return logins.succeeded(message.stationId, message.confirm);
          case 'frames':
            messageLog?.ingest(message.frames);
            return undefined;
          case 'barrier':
            return store.flush().then(() => commitFailures);
          case 'gone':
            lastSeen.mark(message.tenantId, message.stationId, message.at);
            dispatcher.forget(message.stationId);
            return undefined;
        }
      }),
    );
  };

  const toMain: ThreadChannel<MainToHandler, HandlerToMain> = new ThreadChannel<MainToHandler, HandlerToMain>(parentPort!, (message) => {
    switch (message.k) {
      case 'attach':
        return attach(message.thread, message.port);
      case 'metrics':
        return registry.getMetricsAsJSON();
      case 'stop':
        stopping ??= (async () => {
          if (fileTimer) clearInterval(fileTimer);
          if (staleTimer) clearInterval(staleTimer);
          outbox?.stop();
          await lastSeen.stop();
          await messageLog?.stop();
          await store.close();
          for (const channel of gateways.values()) channel.flush();
        })();
        return stopping;
    }
  });
  if (config.controlPlane.messageLogRetention.kind !== 'off') {
    // Frames a crashed run journalled but never committed (CSMS_MESSAGE_LOG_DURABILITY=journal).
    const replayed = await replayFrameJournals(frameJournalDir(config.dataDir, config.controlPlane), (frames) => store.messageLog.appendMissingMessages(frames), {
      exceptWriterPrefix: `${runId}-`,
    });
    if (replayed.files > 0) log.warn({ ...replayed }, 'frame journal replayed into the message log: the previous run did not stop cleanly');
  }
  toMain.send({ k: 'ready' });
  await outbox?.start();
}

main().catch((error) => {
  log.error({ err: error }, 'handler thread failed to start');
  parentPort!.postMessage([{ k: 'start-failed', message: String(error) } satisfies HandlerToMain]);
});

/**
 * Whose outbox rows this node drains. Rows a crash left behind are published by the next run with
 * the same owner, so it must outlive the process: CSMS_NODE_ID when set; else, on SQLite (one node
 * writes a database file), `node`, as the frame journal does. A shared store without CSMS_NODE_ID
 * keeps the default (it holds the pid: a restarted node does not drain its predecessor's rows), said once.
 */
function outboxOwner(controlPlane: { nodeId: string; nodeIdConfigured: boolean }, ownFile: boolean, log: { warn(fields: object, message: string): void }): string {
  if (controlPlane.nodeIdConfigured) return controlPlane.nodeId;
  if (ownFile) return 'node';
  log.warn({ nodeId: controlPlane.nodeId }, 'event outbox: CSMS_NODE_ID is not set, so events a crash leaves in the shared store are not published after a restart; set it per node');
  return controlPlane.nodeId;
}
