import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Bus, Subscription } from '../core/ports/bus.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import type { ConnectorStatus } from '../core/types.js';
import type { OcpiConfig } from './config.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import { ACTIVE_PROFILE_EVENTS, ActiveProfileSender } from './active-profile-sender.js';
import { OcpiDeliveryLoop, type DeliveryLease } from './delivery.js';
import { LocationService } from './locations.js';
import { RoamingService } from './roaming-service.js';
import { OcpiReconciler } from './reconciler.js';
import { SessionService, type MoneyStore, type TransactionFacts } from './sessions.js';
import { TariffSender, type TariffReader } from './tariffs.js';

/** Released after each sweep; this long only when its node dies mid-sweep (a first sweep may read a day of transactions). */
const RECONCILE_LEASE_MS = 15 * 60_000;

/** Everything the OCPI server and its admin routes use; built once per node (workers/main.ts). */
export interface OcpiServices {
  config: OcpiConfig;
  roaming: RoamingService;
  locations: LocationService;
  delivery: OcpiDeliveryLoop;
  sessions: SessionService;
  /** Absent when the node has no tariff store to read (tariffs module not offered). */
  tariffs?: TariffSender;
  /** Sessions, CDRs and tariff pushes the live paths missed (absent without the transaction store to read). */
  reconciler?: OcpiReconciler;
  /** Sessions' new active charging profiles pushed to partners (absent without the command service). */
  activeProfiles?: ActiveProfileSender;
}

/**
 * `money`: the tariff and transaction slices, for the tariffs module and the costs of sessions and
 * CDRs; `lease`: one node drains a partner's queue at a time (absent: this node drains them all).
 */
export function createOcpiServices(
  store: OcpiStore, config: OcpiConfig, log: Logger, registry?: Registry,
  { money, lease, commands }: { money?: MoneyStore & { tariffs: TariffReader }; lease?: DeliveryLease; commands?: Pick<StationCommands, 'run'> } = {},
): OcpiServices {
  const roaming = new RoamingService(store, config, log);
  const delivery = new OcpiDeliveryLoop(store, roaming, config, log, registry, lease);
  const locations = new LocationService(store, roaming, delivery, log);
  const sessions = new SessionService(store, locations, delivery, config.currency, log, money);
  const tariffs = money ? new TariffSender(money.tariffs, store, roaming, delivery, locations, log) : undefined;
  if (tariffs) locations.tariffIds = (tenantId) => (stationId, evseId) => tariffs.tariffIdsFor(tenantId, stationId, evseId);
  const reconciler = money
    ? new OcpiReconciler({
        store, transactions: money.transactions, sessions, ...(tariffs ? { tariffs } : {}), log, ...(lease ? { lease } : {}), ...(registry ? { registry } : {}),
        settings: { graceMs: config.reconcile.graceMs, lookbackMs: config.reconcile.lookbackMs, pageSize: 200, leaseMs: RECONCILE_LEASE_MS },
      })
    : undefined;
  const activeProfiles = money && commands
    ? new ActiveProfileSender({ store, transactions: money.transactions, commands, roaming, delivery, log, debounceMs: config.activeProfileDebounceMs })
    : undefined;
  return { config, roaming, locations, delivery, sessions, ...(tariffs ? { tariffs } : {}), ...(reconciler ? { reconciler } : {}), ...(activeProfiles ? { activeProfiles } : {}) };
}

/**
 * OCPP events OCPI turns into pushes: a connector status becomes the mapped EVSE's status
 * (PATCH to partners). `holds` says whether this node holds the station's connection, so with
 * NATS (every node sees every event) exactly one node acts on it.
 */
export function subscribeOcpi(bus: Bus, services: OcpiServices, holds: (stationId: string) => boolean, log: Pick<Logger, 'warn'>): Subscription[] {
  return [
    bus.subscribe('connector.status', (event) => {
      if (!holds(event.stationId)) return;
      const p = event.payload as { evseId?: number; status?: ConnectorStatus; reportedAt?: string };
      if (typeof p.evseId !== 'number' || typeof p.status !== 'string') return;
      services.locations
        .applyConnectorStatus(event.tenantId, event.stationId, p.evseId, p.status, p.reportedAt)
        .catch((error: unknown) => log.warn({ err: error, tenantId: event.tenantId, stationId: event.stationId }, 'OCPI: EVSE status not applied'));
    }),
    // Sessions and CDRs of partners' tokens (§9, §10), from the transaction facts the store folded.
    bus.subscribe('transaction.*', (event) => {
      if (!holds(event.stationId)) return;
      const tx = event.payload as unknown as TransactionFacts;
      if (typeof tx?.transactionId !== 'string') return;
      services.sessions
        .onTransaction(event.tenantId, event.stationId, tx)
        .catch((error: unknown) => log.warn({ err: error, tenantId: event.tenantId, stationId: event.stationId, transactionId: tx.transactionId }, 'OCPI: session not pushed'));
    }),
    // A changed charging limit: roaming sessions on the station get their new active profile (§14.2.2).
    ...(services.activeProfiles
      ? ACTIVE_PROFILE_EVENTS.map((type) => bus.subscribe(type, (event) => {
          if (holds(event.stationId)) services.activeProfiles!.onEvent(event);
        }))
      : []),
  ];
}
