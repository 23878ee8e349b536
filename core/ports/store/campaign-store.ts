import type { CampaignStatus, FirmwareCampaign } from '../../firmware-campaign.js';
import type { Page, PageQuery } from './store.js';

export interface CampaignQuery extends PageQuery {
  status?: CampaignStatus;
}

/**
 * Firmware campaigns (core/firmware-campaign.ts), one record each with its stations' progress.
 * Every write after `create` is a compare-and-set on `version`, so the driver of one node and an
 * operator's pause on another never overwrite each other, and a campaign has one driver at a
 * time (its `lease`). A slice exposed as `store.campaigns`.
 */
export interface CampaignStore {
  /** Stores a new campaign (version 0); false when the id is taken. */
  create(campaign: FirmwareCampaign): Promise<boolean>;
  get(tenantId: string, id: string): Promise<FirmwareCampaign | undefined>;
  /** Newest first, tenant-scoped; cursor pagination. */
  list(tenantId: string, query: CampaignQuery): Promise<Page<FirmwareCampaign>>;
  /** Campaigns of every tenant the driver still looks after (`isActive`), oldest first. */
  listActive(limit: number): Promise<FirmwareCampaign[]>;
  /**
   * Writes `campaign` as version `expectedVersion + 1` if the stored one is still
   * `expectedVersion`; the written campaign, or undefined when someone else wrote first.
   */
  save(campaign: FirmwareCampaign, expectedVersion: number): Promise<FirmwareCampaign | undefined>;
}
