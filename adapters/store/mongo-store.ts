import { MongoClient, type Db } from 'mongodb';
import type { ApiKeyStore } from '../../core/ports/store/api-key-store.js';
import type { MessageLogStore } from '../../core/ports/store/message-log-store.js';
import { MongoBatcher } from './mongo-batcher.js';
import { ensureIndexes } from './mongo-collections.js';
import { MongoControlPlane } from './mongo-control-plane.js';
import { MongoDeviceModel } from './mongo-device-model.js';
import { MongoStationEvents } from './mongo-station-events.js';
import { MongoRequests } from './mongo-requests.js';
import { MongoStations } from './mongo-stations.js';
import { MongoTokens } from './mongo-tokens.js';
import { MongoTransactions } from './mongo-transactions.js';
import type { StationStore, Store } from '../../core/ports/store/store.js';
import type { TokenStore } from '../../core/ports/store/token-store.js';
import type { TransactionStore } from '../../core/ports/store/transaction-store.js';

export interface MongoStoreOptions {
  url: string;
  /** Defaults to the database named in the URL (the driver's default is 'test'). */
  dbName?: string;
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
  private readonly stations: MongoStations;
  private readonly controlPlane: MongoControlPlane;
  private readonly sessions: MongoTransactions;
  private readonly tokens: MongoTokens;
  readonly deviceModel: MongoDeviceModel;
  readonly stationEvents: MongoStationEvents;
  readonly requests: MongoRequests;

  constructor(options: MongoStoreOptions) {
    this.client = new MongoClient(options.url, { writeConcern: { w: 'majority', journal: true } });
    this.db = this.client.db(options.dbName);
    this.ready = ensureIndexes(this.db);
    // Surfaced by the first call that awaits it; avoid an unhandled rejection before that.
    this.ready.catch(() => {});
    this.stations = new MongoStations(this.db, this.batcher, this.ready);
    this.controlPlane = new MongoControlPlane(this.db, this.batcher, this.ready);
    this.sessions = new MongoTransactions(this.db, this.batcher, this.ready);
    this.tokens = new MongoTokens(this.db, this.ready);
    this.deviceModel = new MongoDeviceModel(this.db, this.batcher, this.ready);
    this.stationEvents = new MongoStationEvents(this.db, this.batcher, this.ready);
    this.requests = new MongoRequests(this.db, this.ready);
  }

  createStation: StationStore['createStation'] = (s) => this.stations.createStation(s);
  getStation: StationStore['getStation'] = (t, id) => this.stations.getStation(t, id);
  findStationLogin: StationStore['findStationLogin'] = (id) => this.stations.findStationLogin(id);
  listStations: StationStore['listStations'] = (t, q) => this.stations.listStations(t, q);
  deleteStation: StationStore['deleteStation'] = (t, id) => this.stations.deleteStation(t, id);
  recordBoot: StationStore['recordBoot'] = (t, id, b) => this.stations.recordBoot(t, id, b);
  recordSeen: StationStore['recordSeen'] = (t, id, at) => this.stations.recordSeen(t, id, at);
  recordConnectorStatus: StationStore['recordConnectorStatus'] = (u) => this.stations.recordConnectorStatus(u);
  listConnectorStatuses: StationStore['listConnectorStatuses'] = (t, s) => this.stations.listConnectorStatuses(t, s);

  createApiKey: ApiKeyStore['createApiKey'] = (k) => this.controlPlane.createApiKey(k);
  findApiKeyByHash: ApiKeyStore['findApiKeyByHash'] = (h) => this.controlPlane.findApiKeyByHash(h);
  listApiKeys: ApiKeyStore['listApiKeys'] = (t) => this.controlPlane.listApiKeys(t);
  revokeApiKey: ApiKeyStore['revokeApiKey'] = (id) => this.controlPlane.revokeApiKey(id);
  countAdminKeys: ApiKeyStore['countAdminKeys'] = () => this.controlPlane.countAdminKeys();
  appendMessages: MessageLogStore['appendMessages'] = (f) => this.controlPlane.appendMessages(f);
  listMessages: MessageLogStore['listMessages'] = (t, s, q) => this.controlPlane.listMessages(t, s, q);
  pruneMessages: MessageLogStore['pruneMessages'] = (r) => this.controlPlane.pruneMessages(r);

  startTransaction16: TransactionStore['startTransaction16'] = (t, s, r) => this.sessions.startTransaction16(t, s, r);
  applyTransactionEvent: TransactionStore['applyTransactionEvent'] = (t, s, e) => this.sessions.applyTransactionEvent(t, s, e);
  recordStationMeterValues: TransactionStore['recordStationMeterValues'] = (v) => this.sessions.recordStationMeterValues(v);
  recordRemoteStart: TransactionStore['recordRemoteStart'] = (r) => this.sessions.recordRemoteStart(r);
  findActiveTransaction: TransactionStore['findActiveTransaction'] = (t, s, e) => this.sessions.findActiveTransaction(t, s, e);
  getTransaction: TransactionStore['getTransaction'] = (t, id, s) => this.sessions.getTransaction(t, id, s);
  listTransactions: TransactionStore['listTransactions'] = (t, q) => this.sessions.listTransactions(t, q);
  listMeterValues: TransactionStore['listMeterValues'] = (t, s, id, l) => this.sessions.listMeterValues(t, s, id, l);

  findIdToken: TokenStore['findIdToken'] = (t, id) => this.tokens.findIdToken(t, id);
  putIdToken: TokenStore['putIdToken'] = (token) => this.tokens.putIdToken(token);
  recordSeenIdToken: TokenStore['recordSeenIdToken'] = (token) => this.tokens.recordSeenIdToken(token);
  deleteIdToken: TokenStore['deleteIdToken'] = (t, id) => this.tokens.deleteIdToken(t, id);
  listIdTokens: TokenStore['listIdTokens'] = (t, q) => this.tokens.listIdTokens(t, q);
  getLocalList: TokenStore['getLocalList'] = (t, s) => this.tokens.getLocalList(t, s);
  applyLocalList: TokenStore['applyLocalList'] = (t, s, u) => this.tokens.applyLocalList(t, s, u);

  flush(): Promise<void> {
    return this.batcher.drain();
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.client.close();
  }
}
