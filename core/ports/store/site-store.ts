import type { Site } from '../../sites.js';
import type { Page, PageQuery } from './store.js';

/**
 * Sites for load management (core/sites.ts), one record each with its capacity tree, its
 * attachments, the lease of the node running its allocation and the newest allocation. Every
 * write after `create` is a compare-and-set on `version` (an operator's edit on one node and the
 * allocator on another never overwrite each other). A slice exposed as `store.sites`.
 */
export interface SiteStore {
  /** Stores a new site (version 0); false when the id is taken. */
  create(site: Site): Promise<boolean>;
  get(tenantId: string, id: string): Promise<Site | undefined>;
  /** Oldest first, tenant-scoped; cursor pagination. */
  list(tenantId: string, query: PageQuery): Promise<Page<Site>>;
  /** The site a station (any of its EVSEs) is attached to, tenant-scoped. */
  findByStation(tenantId: string, stationId: string): Promise<Site | undefined>;
  /**
   * Writes `site` as version `expectedVersion + 1` if the stored one is still `expectedVersion`
   * (its station index too); the written site, or undefined when someone else wrote first.
   */
  save(site: Site, expectedVersion: number): Promise<Site | undefined>;
  /** Deletes a site and its station index; false when it was not there. */
  delete(tenantId: string, id: string): Promise<boolean>;
}
