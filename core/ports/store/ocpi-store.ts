/**
 * OCPI 2.2.1 roaming data (ocpi/, issue #16): one document table for every OCPI object Switchyard
 * keeps (our CPO parties, partners, locations, partners' tokens, sessions, CDRs) and the durable
 * per-partner delivery outbox. Bodies are JSON (shapes in core/ocpi/types.ts); the store knows only
 * the columns it filters on.
 */
export type OcpiDocKind = 'party' | 'partner' | 'location' | 'token' | 'session' | 'cdr' | 'reservation' | 'preferences' | 'chargingprofile' | 'clientinfo' | 'meta';

export interface OcpiDoc<T = unknown> {
  tenantId: string;
  kind: OcpiDocKind;
  /** Unique per tenant and kind. */
  id: string;
  /** What lists are narrowed by (a location's party key, a token's partner id); '' when none. */
  scope: string;
  /** Unique per kind across tenants when set (a partner's credentials-token hash): findByLookup. */
  lookup: string | null;
  /** ISO-8601 UTC; lists filter (date_from/date_to) and order by it. */
  lastUpdated: string;
  body: T;
}

export interface OcpiDocQuery {
  scope?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
  offset: number;
  limit: number;
}

/** One request waiting for a partner: resolved to a URL from the partner's endpoints when sent. */
export interface NewOcpiDelivery {
  tenantId: string;
  partnerId: string;
  /** OCPI module identifier of the partner's receiver endpoint ('locations', 'sessions', …), or 'url' for `path` as a full URL (command results). */
  module: string;
  method: 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  /** Appended to the module's URL (`/NL/SWY/LOC1/EVSE1`), or the full URL when module is 'url'. */
  path: string;
  body: unknown;
  /** The object it is about ('location:LOC1'); deliveries leave in order per partner (so per object too). */
  objectKey: string;
  createdAt: string;
}

export interface OcpiDelivery extends NewOcpiDelivery {
  seq: number;
  attempts: number;
  /** Not sent before this (ISO-8601); back-off after a failure. */
  nextAt: string;
  lastError: string | null;
}

export interface OcpiStore {
  /**
   * Creates or replaces; true when it was new. A non-null lookup taken by another document throws.
   * `deliveries` (what partners are told of the change) are enqueued in the same write, so a
   * change is never stored without its pushes, nor the pushes without the change.
   */
  putDoc(doc: OcpiDoc, deliveries?: NewOcpiDelivery[]): Promise<boolean>;
  getDoc<T>(kind: OcpiDocKind, tenantId: string, id: string): Promise<OcpiDoc<T> | undefined>;
  /**
   * Compare-and-set, for a read-modify-write that nodes of a cluster may do at once (two EVSEs of
   * one location on stations held by different nodes): replaces the stored document with `doc`
   * only if it is still `expected` as getDoc returned it (same lastUpdated and body); false when
   * another writer changed or removed it meanwhile (read again and retry). The lookup stays.
   * `deliveries` are enqueued in the same write, only when it replaced the document.
   */
  replaceDocIf(doc: OcpiDoc, expected: OcpiDoc, deliveries?: NewOcpiDelivery[]): Promise<boolean>;
  /** Across tenants: the document of that kind whose lookup is `lookup`. */
  findDocByLookup<T>(kind: OcpiDocKind, lookup: string): Promise<OcpiDoc<T> | undefined>;
  /** Oldest lastUpdated first (then id); `total` counts every match, ignoring offset and limit. */
  listDocs<T>(kind: OcpiDocKind, tenantId: string, query: OcpiDocQuery): Promise<{ items: Array<OcpiDoc<T>>; total: number }>;
  deleteDoc(kind: OcpiDocKind, tenantId: string, id: string): Promise<boolean>;
  /** The tenants that have at least one document of that kind (e.g. a partner), in id order. */
  tenantsWithDoc(kind: OcpiDocKind): Promise<string[]>;

  /** Appends in order (seq ascending); durable once it resolves. */
  enqueueDeliveries(deliveries: NewOcpiDelivery[]): Promise<void>;
  /** The oldest delivery of each partner that has any (at most `limit` partners), by seq. */
  deliveryHeads(limit: number): Promise<OcpiDelivery[]>;
  /** Sent (or dropped for good): removed. */
  completeDelivery(seq: number): Promise<void>;
  /** Failed: counted and held back until `nextAt`. */
  postponeDelivery(seq: number, nextAt: string, lastError: string): Promise<void>;
  /** Pending deliveries per partner (`tenantId|partnerId` → count). */
  countDeliveries(): Promise<Map<string, number>>;
  /** Drops a partner's pending deliveries (the partner was removed); how many. */
  dropDeliveries(tenantId: string, partnerId: string): Promise<number>;
}
