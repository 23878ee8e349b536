import type { IdTokenRecord } from '../../authorization.js';
import type { LocalList, LocalListUpdate } from '../../local-list.js';
import type { Page, PageQuery } from './store.js';

export type IdTokenInput = Omit<IdTokenRecord, 'createdAt' | 'updatedAt'>;

/** Id tokens per tenant and the local authorization list of each station. */
export interface TokenStore {
  /** Exactly this value (what the API's token routes address). */
  findIdToken(tenantId: string, idToken: string): Promise<IdTokenRecord | undefined>;
  /**
   * The token a station presents, as the specs compare them: the value case-insensitively (OCPP's
   * CiString; ASCII case), an exact-case entry preferred; with `type` (2.x), only an entry of that
   * type matches.
   */
  matchIdToken(tenantId: string, idToken: string, type?: string): Promise<IdTokenRecord | undefined>;
  /** Creates or replaces; returns true when it was created. */
  putIdToken(token: IdTokenInput): Promise<boolean>;
  /** Creates only if absent (accept-all recording a token it saw); never overwrites an operator's entry. */
  recordSeenIdToken(token: IdTokenInput): Promise<void>;
  deleteIdToken(tenantId: string, idToken: string): Promise<boolean>;
  listIdTokens(tenantId: string, query: PageQuery): Promise<Page<IdTokenRecord>>;
  getLocalList(tenantId: string, stationId: string): Promise<LocalList | undefined>;
  /** Applies an update the station accepted (full replaces, differential merges). */
  applyLocalList(tenantId: string, stationId: string, update: LocalListUpdate): Promise<LocalList>;
}
