import { createRequire } from 'node:module';
import { startupBanner } from './startup-banner.js';
import { ConfigError, loadConfig, type CsmsConfig } from '../core/config.js';
import type { TlsReloadResult } from '../core/security-config.js';
import { openStore } from '../adapters/store/open-store.js';
import { MemoryBus } from '../adapters/bus/memory-bus.js';
import { buildApi } from '../api/server.js';
import { createStationCommands } from '../actors/commands/station-commands.js';
import { startReservationSweep } from '../actors/commands/reservation-sweep.js';
import { startCostUpdates } from '../actors/commands/cost-updates.js';
import { askAfterOfflineGaps } from './offline-gap-requests.js';
import { forgetTransactionDisplayMessages } from './transaction-display-messages.js';
import { bootstrapAdminKey } from '../api/api-key-service.js';
import { bootstrapAdminUser } from '../api/user-service.js';
import { hashPassword } from '../core/password.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsmsNode } from './csms-node.js';
import { attachCluster, openDirectory, openNatsBus, registerBusMetrics, registerDirectoryMetrics } from './cluster.js';
import { DuplicateNodeError } from './station-directory.js';
import type { Bus } from '../core/ports/bus.js';
import { createLogger } from './logger.js';
import { createCpuPool } from './pool.js';
import { join } from 'node:path';
import { CampaignDriver } from '../actors/commands/campaign-driver.js';
import { SiteAllocator } from '../actors/commands/site-allocator.js';
import { ProfileComplianceWatch } from '../actors/commands/profile-compliance-watch.js';
import { Counter, Gauge } from 'prom-client';
import { sweepUploads } from './upload-retention.js';
import { loadOcpiConfig } from '../ocpi/config.js';
import { createOcpiServices, subscribeOcpi } from '../ocpi/services.js';
import { externalCa, openBuiltinCa, openV2gCa, withV2g, type CertificateAuthority } from './certificate-authority.js';
import { signRequestedCertificates } from './certificate-signer.js';
import { CertificateRenewalJob } from '../actors/commands/certificate-renewal.js';
import type { CpuTask } from './cpu-tasks.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pruneStatusHistory } from './status-history-retention.js';
import { startReportTimeoutSweep } from './report-timeout-sweep.js';
import { startPeriodicSweep } from '../actors/commands/periodic-sweep.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * The station CA's certificate joins the CAs profile 3 trusts: a bundle under the data dir holds
 * CSMS_TLS_STATION_CA_FILE's certificates (if any) and the CA's, and the TLS listener reads that.
 * `rebuild` writes the bundle again from the configured file as it is now (SIGHUP, POST
 * /admin/tls/reload), so a CA added to that file is trusted after a reload, without a restart.
 * The new bundle replaces the old by a rename: a listener never reads half a file.
 */
function trustStationCa(config: CsmsConfig, ca: CertificateAuthority): { config: CsmsConfig; rebuild: () => void } {
  const tls = config.security.tls;
  if (!tls || !ca.certificate) return { config, rebuild: () => {} };
  const dir = join(config.dataDir, 'ca');
  const bundle = join(dir, 'station-trust.pem');
  const configuredFile = tls.stationCaFile;
  const caCertificate = ca.certificate;
  const rebuild = () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const configured = configuredFile ? readFileSync(configuredFile, 'utf8').trim() + '\n' : '';
    const next = `${bundle}.${process.pid}.tmp`;
    writeFileSync(next, configured + caCertificate);
    renameSync(next, bundle);
  };
  rebuild();
  return { config: { ...config, security: { ...config.security, tls: { ...tls, stationCaFile: bundle } } }, rebuild };
}

/** Starts a whole node: store, bus, gateway threads, API. Returns a stop function. */
export async function startNode(config: CsmsConfig): Promise<{ stop: () => Promise<void>; reloadTls: () => Promise<TlsReloadResult> }> {
  const log = createLogger(config.logLevel, { thread: 'main' });
  let pool: ReturnType<typeof createCpuPool> | undefined;
  const runTask = (task: CpuTask) => {
    pool ??= createCpuPool(1);
    return pool.run(task);
  };
  // The station CA first: its certificate is one the TLS listener trusts for profile 3.
  // V2GCertificate requests (ISO 15118-2 SECC) go to the V2G sub-CA, when there is one.
  const caLog = log.child({ component: 'certificates' });
  const ca: CertificateAuthority = withV2g(
    config.certificates.ca.kind === 'external'
      ? externalCa(config.certificates)
      : await openBuiltinCa(config.certificates, config.dataDir, runTask, caLog),
    openV2gCa(config.certificates, config.dataDir, runTask, caLog),
  );
  const trust = trustStationCa(config, ca);
  config = trust.config;
  const { controlPlane } = config;
  // NATS_URL set → NATS bus and multi-node routing; unset → the in-process bus of a single node.
  // The node's lease comes first: a second node with the same id is refused before it opens anything else.
  const natsBus = controlPlane.natsUrl ? await openNatsBus(config, log) : undefined;
  let directory: Awaited<ReturnType<typeof openDirectory>> | undefined;
  try {
    directory = natsBus ? await openDirectory(natsBus, config, log) : undefined;
  } catch (error) {
    if (error instanceof DuplicateNodeError) log.error({ nodeId: controlPlane.nodeId, err: error }, 'start refused: node id in use by a running node');
    await natsBus?.close().catch(() => {});
    throw error;
  }
  if (directory) log.info({ nodeId: controlPlane.nodeId, epoch: directory.epoch, leaseTtlSec: controlPlane.registryTtlSec }, 'node lease taken in the cluster directory');
  // The API's own store connection; the handler thread opens the hot-path one (see csms-node.ts).
  // With gateway threads the handler thread writes the hot path and a thread this store starts
  // checkpoints the WAL every second, so no checkpoint runs inside a hot-path commit or on main.
  const store = await openStore({ ...config, checkpointEveryMs: config.controlPlane.role === 'api' ? undefined : 1000 });
  const firstAdminKey = await bootstrapAdminKey(store.apiKeys, config.controlPlane.adminKey);
  if (firstAdminKey) {
    // Printed once on stdout (not through the logger, so log shipping never carries it).
    process.stdout.write(`\nSwitchyard: first admin API key (shown only now; keep it):\n  ${firstAdminKey}\n\n`);
  }
  const firstAdminUser = await bootstrapAdminUser(store.users, (password) => hashPassword(password, config.scryptCost), {
    username: process.env.CSMS_ADMIN_USER, password: process.env.CSMS_ADMIN_PASSWORD,
  });
  if (firstAdminUser) {
    // Like the admin key: printed once on stdout, never through the logger.
    process.stdout.write(`\nSwitchyard: first admin user of the operator UI (password shown only now; change it):\n  ${firstAdminUser.username} / ${firstAdminUser.password}\n\n`);
  }
  const bus: Bus = natsBus ?? new MemoryBus((error) => log.error({ err: error }, 'bus subscriber failed'));
  // CSMS_ROLE=api runs no gateway threads (no OCPP listener); gateway runs no REST API.
  const node = new CsmsNode(controlPlane.role === 'api' ? { ...config, workers: 0 } : config, bus, log);
  if (natsBus && controlPlane.natsFrameMirror) node.onFrames = (frames) => natsBus.mirrorFrames(frames);
  const cluster = natsBus && directory ? attachCluster(node, natsBus, directory, config, log) : undefined;
  if (natsBus) registerBusMetrics(node.metricsRegistry, natsBus);
  if (directory) registerDirectoryMetrics(node.metricsRegistry, directory);
  await node.start();
  const commands = createStationCommands({
    store,
    publish: (event) => bus.publish(event),
    // This node's registry first (the thread fast path), then the cluster directory.
    locate: async (id) => {
      const here = node.registry.get(id);
      const found = here ?? (await cluster?.locate(id));
      return found && { tenantId: found.tenantId, protocol: found.version, local: here !== undefined };
    },
    local: node,
    remote: cluster?.remote,
  });
  // E14: an offline Ended with messages missing makes the node holding the station ask GetTransactionStatus.
  const gapRequests = askAfterOfflineGaps(bus, commands, (id) => node.registry.get(id) !== undefined, log);
  // A message shown during a transaction goes with its end (the station removes it; so does the store).
  const transactionMessages = forgetTransactionDisplayMessages(bus, store, (id) => node.registry.get(id) !== undefined, log);
  // An accepted SignCertificate is signed by the node holding the station (piscina pool or external CA).
  const certificateLog = log.child({ component: 'certificates' });
  const signer = signRequestedCertificates(bus, { store, commands, ca, holds: (id) => node.registry.get(id) !== undefined, log: certificateLog });
  // Certificates we signed that near their expiry are renewed over the fleet, one node at a time (a lease).
  const renewals = controlPlane.role === 'gateway' ? undefined : new CertificateRenewalJob({
    store, commands, nodeId: controlPlane.nodeId, log: certificateLog,
    policy: {
      windowDays: config.certificates.renewalWindowDays,
      retryAfterMs: config.certificates.renewalRetrySec * 1000,
      batch: config.certificates.renewalBatch,
      tickMs: config.certificates.renewalTickSec * 1000,
    },
  });
  // Firmware campaigns are driven here, on the main thread, through the same commands service as
  // the API (never on a gateway or the handler thread); in a cluster every node runs a driver and
  // a campaign's lease in the shared store lets one of them drive it at a time.
  // scrypt for new station passwords (API and bulk rotation jobs), on a CPU pool, never on this thread.
  const hashStationPassword = (password: string) => runTask({ task: 'hashPassword', password, cost: config.scryptCost }) as Promise<string>;
  const forgetLogin = (id: string) => (cluster ? cluster.forgetLogin(id) : node.forgetLogin(id));
  const campaigns = controlPlane.role === 'gateway' ? undefined : new CampaignDriver({
    store, commands, publish: (event) => bus.publish(event), nodeId: controlPlane.nodeId, tickMs: config.campaignTickMs,
    log: log.child({ component: 'campaigns' }),
    rotation: { stations: store.stations, commands, hashPassword: hashStationPassword, forgetLogin },
  });
  const campaignSubscriptions = campaigns
    ? [
        bus.subscribe('station.connected', (event) => campaigns.stationConnected(event.stationId)),
        bus.subscribe('station.booted', (event) => campaigns.stationConnected(event.stationId)),
        bus.subscribe('firmware.status', () => campaigns.wake()),
      ]
    : [];
  // OCPI 2.2.1 roaming (ocpi/): served with the API; pushes leave through the store's per-partner outbox.
  const ocpi = controlPlane.role === 'gateway' ? undefined
    : createOcpiServices(store.ocpi, loadOcpiConfig(process.env, config.uploads.baseUrl), log.child({ component: 'ocpi' }), node.metricsRegistry, {
        money: store,
        commands,
        lease: {
          // One node drains a partner's queue at a time (the job leases of store.certificates).
          nodeId: controlPlane.nodeId,
          take: (job, nodeId, now, until) => store.certificates.takeLease(job, nodeId, now, until),
          release: (job, nodeId) => store.certificates.releaseLease(job, nodeId),
        },
      });
  const ocpiSubscriptions = ocpi ? subscribeOcpi(bus, ocpi, (id) => node.registry.get(id) !== undefined, log) : [];
  // Site load management runs here too (actors/commands/site-allocator.ts): it wakes on the
  // transaction and EV events of attached stations; a site's lease lets one node allocate it.
  const sites = controlPlane.role === 'gateway' ? undefined : new SiteAllocator({
    store, commands, publish: (event) => bus.publish(event), nodeId: controlPlane.nodeId, debounceMs: config.siteDebounceMs,
    log: log.child({ component: 'sites' }),
  });
  const siteSubscriptions = sites
    ? ['transaction.*', 'meter.values', 'ev.charging-needs', 'ev.charging-schedule', 'charging-limit.*', 'station.booted'].map((pattern) => bus.subscribe(pattern, (event) => sites.onEvent(event)))
    : [];
  // Stations that ignore a charging profile (actors/commands/profile-compliance-watch.ts): alerts,
  // a warn line and these metrics, on the node holding the station.
  const exceededTotal = new Counter({ name: 'csms_profile_exceeded_total', help: 'Sessions that drew above the charging profile their station accepted, beyond tolerance and grace (alerts raised)', registers: [node.metricsRegistry] });
  const exceededOpen = new Gauge({ name: 'csms_profile_exceeded_open', help: 'Sessions drawing above their accepted charging profile now (open ChargingProfileExceeded alerts)', registers: [node.metricsRegistry] });
  const compliance = controlPlane.role === 'gateway' ? undefined : new ProfileComplianceWatch({
    store, publish: (event) => bus.publish(event), holds: (id) => node.registry.get(id) !== undefined, log: log.child({ component: 'profile-compliance' }),
    metrics: { exceeded: (outcome) => (outcome === 'raise' ? (exceededTotal.inc(), exceededOpen.inc()) : exceededOpen.dec()) },
  });
  const complianceSubscriptions = compliance
    ? ['profile.set', 'profile.cleared', 'transaction.ended', 'meter.values'].map((pattern) => bus.subscribe(pattern, (event) => compliance.onEvent(event)))
    : [];
  const uploadDir = join(config.dataDir, 'uploads');
  const sweepEveryMs = 3_600_000;
  const retentionMs = config.uploads.retentionDays * 86_400_000;
  const { statusHistoryRetentionDays } = config.stationData;
  // Hourly retention: uploaded files, and connector status history (CSMS_STATUS_HISTORY_RETENTION_DAYS).
  const sweep = () =>
    Promise.all([
      sweepUploads(uploadDir, retentionMs).then(
        (removed) => removed > 0 && log.info({ removed, retentionDays: config.uploads.retentionDays }, 'uploaded files past their retention deleted'),
        (error) => log.warn({ err: error }, 'upload retention sweep failed'),
      ),
      pruneStatusHistory(store.stations, statusHistoryRetentionDays).then(
        (removed) => removed > 0 && log.info({ removed, retentionDays: statusHistoryRetentionDays }, 'connector status history past its retention deleted'),
        (error) => log.warn({ err: error }, 'connector status history retention sweep failed'),
      ),
    ]);
  const sweepTimer = setInterval(sweep, sweepEveryMs);
  sweepTimer.unref();
  void sweep();
  // SIGHUP and POST /admin/tls/reload: the profile-3 trust bundle is written again from the
  // configured files, then every gateway thread reads the TLS files again for new connections.
  const reloadTls = async (): Promise<TlsReloadResult> => {
    try {
      trust.rebuild();
    } catch (error) {
      log.error({ err: error, stationCaFile: config.security.tls?.stationCaFile }, 'TLS certificate reload failed: the station CA bundle could not be rebuilt; the previous certificates stay in use');
      return { reloaded: false, threads: 0, failed: 0, error: `station CA bundle: ${(error as Error).message}` };
    }
    return node.reloadTls();
  };
  const api = await buildApi(
    {
      store,
      commands,
      uploads: { dir: uploadDir, baseUrl: config.uploads.baseUrl, maxBytes: config.uploads.maxBytes, tokenHours: config.uploads.tokenHours },
      campaigns,
      ...(ocpi ? { ocpi } : {}),
      sites,
      stations: {
        location: (id) => node.registry.get(id),
        locate: cluster?.locate,
        disconnect: (id) => node.forgetStation(id),
        forgetLogin,
        setDebug: controlPlane.role === 'api' ? undefined : (id, enabled) => node.setStationDebug(id, enabled),
        connectedCount: () => node.registry.size,
        // With NATS another node may hold a station: only the directory knows, one lookup per id.
        watchFrames: controlPlane.role === 'api' ? undefined : (id, listener) => node.watchFrames(id, listener),
        connectedIds: cluster ? undefined : (tenantId) => node.registry.idsOfTenant(tenantId),
      },
      metrics: () => node.metrics(),
      stats: { rates: (tenantId) => node.rates(tenantId) },
      events: bus,
      uiDir: join(dirname(fileURLToPath(import.meta.url)), '..', 'ui'),
      hashPassword: hashStationPassword,
      certificates: {
        ca: () => (ca.certificate ? { kind: ca.kind, certificate: ca.certificate } : undefined),
        v2g: () => ca.v2g,
        ...(renewals ? { renewals } : {}),
      },
      ...(config.security.tls || config.security.offload ? { tls: { reload: reloadTls } } : {}),
      info: { workers: config.workers, store: store.kind, bus: bus.kind, version },
      readiness: () => node.readiness(natsBus ? { connected: natsBus.stats().connected } : undefined),
      security: { publicMetrics: config.controlPlane.metricsPublic, secureCookies: config.controlPlane.secureCookies },
    },
    log,
  );
  try {
    if (controlPlane.role !== 'gateway') await api.listen({ host: config.host, port: config.apiPort });
  } catch (error) {
    // E.g. the API port is taken: stop the gateway threads first, or Node aborts on exit.
    await node.stop().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
  // Reservations past their expiry are closed from here (the API's store connection); 0 turns it off.
  const reservationSweep = config.reservationSweepSec > 0
    ? startReservationSweep({ reservations: store.reservations, publish: (event) => bus.publish(event), log }, config.reservationSweepSec)
    : undefined;
  const reportTimeouts = startReportTimeoutSweep({ requests: store.requests, timeoutSec: config.stationData.reportTimeoutSec, log });
  // Running costs recomputed and sent as CostUpdated to the stations this node holds; 0 turns it off.
  const costUpdates = config.costUpdateIntervalSec > 0
    ? startCostUpdates({ store, commands, holds: (id) => node.registry.get(id) !== undefined, publish: (event) => bus.publish(event), log }, config.costUpdateIntervalSec)
    : undefined;
  campaigns?.start();
  ocpi?.delivery.start();
  const ocpiReconcile = ocpi?.reconciler && ocpi.config.reconcile.everyMs > 0
    ? startPeriodicSweep(() => ocpi.reconciler!.sweep(), ocpi.config.reconcile.everyMs, (error) => log.warn({ err: error }, 'OCPI reconciliation sweep failed; retried next time'))
    : undefined;
  renewals?.start();
  sites?.start();
  const banner = startupBanner(config, controlPlane.role);
  log.info(
    { ...banner.fields, ocppPort: config.ocppPort, apiPort: config.apiPort, workers: config.workers, dataDir: config.dataDir, bus: bus.kind, role: controlPlane.role, nodeId: controlPlane.nodeId },
    'Switchyard CSMS started',
  );
  // The same for a person at a terminal; piped output (log shipping, tests) stays JSON only.
  if (process.stdout.isTTY) process.stdout.write(banner.text);
  return {
    reloadTls,
    stop: async () => {
      // Stop accepting API requests, but close the stations before waiting for the ones in
      // flight: a request waiting on a silent station would otherwise hold shutdown for the
      // whole call timeout. Closing the station fails its calls, so those requests end (409).
      clearInterval(sweepTimer);
      for (const subscription of [...campaignSubscriptions, ...ocpiSubscriptions]) subscription.unsubscribe();
      await ocpiReconcile?.stop();
      ocpi?.activeProfiles?.stop();
      await ocpi?.delivery.stop();
      await campaigns?.stop();
      await renewals?.stop();
      signer.unsubscribe();
      for (const subscription of siteSubscriptions) subscription.unsubscribe();
      for (const subscription of complianceSubscriptions) subscription.unsubscribe();
      await sites?.stop();
      const apiClosed = api.close();
      gapRequests.unsubscribe();
      transactionMessages.unsubscribe();
      await node.stop();
      await reservationSweep?.stop();
      await reportTimeouts.stop();
      await costUpdates?.stop();
      // Node closes idle keep-alive connections once, when close() starts; one that was busy
      // then keeps close() waiting until the client hangs up. Sweep them as they go idle.
      const sweep = setInterval(() => api.server.closeIdleConnections(), 50);
      api.server.closeIdleConnections();
      await apiClosed.finally(() => clearInterval(sweep));
      await cluster?.close();
      await pool?.destroy();
      await bus.close();
      await store.close();
      log.info('Switchyard CSMS stopped');
    },
  };
}

async function main(): Promise<void> {
  let config: CsmsConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let node: Awaited<ReturnType<typeof startNode>>;
  try {
    node = await startNode(config);
  } catch (error) {
    if (error instanceof DuplicateNodeError) {
      process.stderr.write(`Switchyard refused to start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Hard deadline: exit even if something hangs, well inside the 10 s promise.
    setTimeout(() => process.exit(1), 9000).unref();
    node.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`Shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Certificate files renewed: the TLS listener reads them again without dropping connections.
  process.on('SIGHUP', () => void node.reloadTls());
}

main().catch((error) => {
  process.stderr.write(`Switchyard failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
