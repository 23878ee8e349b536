import { MongoOcpi } from './mongo-ocpi.js';
import type { OcpiStore } from '../../core/ports/store/ocpi-store.js';
import { MongoClient, type Db } from 'mongodb';
import type { CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { UploadStore } from '../../core/ports/store/upload-store.js';
import { MongoCampaigns } from './mongo-campaigns.js';
import { MongoSites } from './mongo-sites.js';
import { MongoUploads } from './mongo-uploads.js';
import { MongoCertificates } from './mongo-certificates.js';
import type { CertificateStore } from '../../core/ports/store/certificate-store.js';
import { MongoTariffs } from './mongo-tariffs.js';
import type { TariffStore } from '../../core/ports/store/tariff-store.js';
import type { ApiKeyStore } from '../../core/ports/store/api-key-store.js';
import type { UserStore } from '../../core/ports/store/user-store.js';
import { MongoUsers } from './mongo-users.js';
import type { MessageLogStore } from '../../core/ports/store/message-log-store.js';
import { MongoBatcher } from './mongo-batcher.js';
import { ensureIndexes } from './mongo-collections.js';
import { MongoControlPlane } from './mongo-control-plane.js';
import { MongoDeviceModel } from './mongo-device-model.js';
import { MongoStationEvents } from './mongo-station-events.js';
import { MongoRequests } from './mongo-requests.js';
import { MongoOutbox } from './mongo-outbox.js';
import { MongoConfigTemplates } from './mongo-config-templates.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';
import type { OutboxStore } from '../../core/ports/store/outbox-store.js';
import { MongoStations } from './mongo-stations.js';
import { MongoTokens } from './mongo-tokens.js';
import { MongoTransactions } from './mongo-transactions.js';
import type { DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { RequestStore } from '../../core/ports/store/request-store.js';
import type { StationEventStore } from '../../core/ports/store/station-event-store.js';
import type { ChargingProfileStore } from '../../core/ports/store/charging-profile-store.js';
import { MongoChargingProfiles } from './mongo-charging-profiles.js';
import type { ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { DisplayMessageStore } from '../../core/ports/store/display-message-store.js';
import { MongoReservations } from './mongo-reservations.js';
import { MongoDisplayMessages } from './mongo-display-messages.js';
import type { StationStore, Store } from '../../core/ports/store/store.js';
import type { TokenStore } from '../../core/ports/store/token-store.js';
import type { TransactionStore } from '../../core/ports/store/transaction-store.js';
import type { SessionRules } from '../../core/config.js';

export interface MongoStoreOptions {
  url: string;
  /** Defaults to the database named in the URL (the driver's default is 'test'). */
  dbName?: string;
  /** Session rules the transaction fold applies (core/config.ts SessionRules); absent: defaults. */
  sessions?: Partial<SessionRules>;
}

/**
 * The MongoDB store, for fleets beyond one SQLite file. Writes are journaled (w: majority, j: true)
 * so an acknowledged write survives a crash, which is what lets a CALLRESULT go out after it.
 * The client connects lazily; every call waits for the index set-up first.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb';
  private readonly client: MongoClient;
  readonly db: Db;
  private readonly batcher = new MongoBatcher();
  private readonly ready: Promise<void>;
  readonly stations: StationStore;
  readonly apiKeys: ApiKeyStore;
  readonly users: UserStore;
  readonly messageLog: MessageLogStore;
  readonly transactions: TransactionStore;
  readonly tokens: TokenStore;
  readonly deviceModel: DeviceModelStore;
  readonly requests: RequestStore;
  readonly stationEvents: StationEventStore;
  readonly chargingProfiles: ChargingProfileStore;
  readonly reservations: ReservationStore;
  readonly displayMessages: DisplayMessageStore;
  readonly outbox: OutboxStore;
  readonly configTemplates: ConfigTemplateStore;
  readonly ocpi: OcpiStore;
  /** Firmware campaigns (core/firmware-campaign.ts). */
  readonly campaigns: CampaignStore;
  /** Sites for load management (core/sites.ts). */
  readonly sites: SiteStore;
  /** Upload slots of the built-in upload target. */
  readonly uploads: UploadStore;
  readonly certificates: CertificateStore;
  readonly tariffs: TariffStore;

  constructor(options: MongoStoreOptions) {
    this.client = new MongoClient(options.url, { writeConcern: { w: 'majority', journal: true } });
    this.db = this.client.db(options.dbName);
    this.ready = ensureIndexes(this.db);
    // Surfaced by the first call that awaits it; avoid an unhandled rejection before that.
    this.ready.catch(() => {});
    this.stations = new MongoStations(this.db, this.batcher, this.ready);
    // API keys and the message log share one class (both small, both written off the hot path).
    const controlPlane = new MongoControlPlane(this.db, this.batcher, this.ready);
    this.apiKeys = controlPlane;
    this.messageLog = controlPlane;
    this.users = new MongoUsers(this.db, this.ready);
    this.transactions = new MongoTransactions(this.db, this.batcher, this.ready, options.sessions);
    this.tokens = new MongoTokens(this.db, this.ready);
    this.deviceModel = new MongoDeviceModel(this.db, this.batcher, this.ready);
    this.stationEvents = new MongoStationEvents(this.db, this.batcher, this.ready);
    this.chargingProfiles = new MongoChargingProfiles(this.db, this.batcher, this.ready);
    this.reservations = new MongoReservations(this.db, this.ready);
    this.displayMessages = new MongoDisplayMessages(this.db, this.batcher, this.ready);
    this.requests = new MongoRequests(this.db, this.ready);
    this.outbox = new MongoOutbox(this.db, this.ready);
    this.configTemplates = new MongoConfigTemplates(this.db, this.ready);
    this.ocpi = new MongoOcpi(this.db, this.ready);
    this.campaigns = new MongoCampaigns(this.db, this.ready);
    this.sites = new MongoSites(this.db, this.ready);
    this.uploads = new MongoUploads(this.db, this.ready);
    this.certificates = new MongoCertificates(this.db, this.ready);
    this.tariffs = new MongoTariffs(this.db, this.ready);
  }

  flush(): Promise<void> {
    return this.batcher.drain();
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.client.close();
  }
}
