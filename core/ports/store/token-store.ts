import type { IdTokenRecord } from '../../authorization.js';
import type { LocalList, LocalListUpdate } from '../../local-list.js';
import type { Page, PageQuery } from './store.js';

export interface TokenGroup {
  groupId: string;
  members: number;
}

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
  /** By token value; with `groupId`, only the members of that group. */
  listIdTokens(tenantId: string, query: PageQuery & { groupId?: string }): Promise<Page<IdTokenRecord>>;
  /** The groups in use (distinct groupId, OCPP's groupIdToken) and how many tokens each holds, by group id. */
  listTokenGroups(tenantId: string): Promise<TokenGroup[]>;
  getLocalList(tenantId: string, stationId: string): Promise<LocalList | undefined>;
  /** Applies an update the station accepted (full replaces, differential merges). */
  applyLocalList(tenantId: string, stationId: string, update: LocalListUpdate): Promise<LocalList>;
}
