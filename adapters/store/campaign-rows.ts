import { campaignFromStored, isActive, type FirmwareCampaign } from '../../core/firmware-campaign.js';

/**
 * A campaign as one row: its searchable columns and the rest as JSON (`body`), shared by the SQL
 * adapters. The stations' progress lives in the body: the driver writes a campaign once per
 * change, with one compare-and-set on `version`.
 */
export interface CampaignRow {
  tenant_id: string;
  id: string;
  status: string;
  active: number;
  version: number;
  created_at: string;
  body: string;
}

export function toCampaignRow(c: FirmwareCampaign): CampaignRow {
  return {
    tenant_id: c.tenantId,
    id: c.id,
    status: c.status,
    active: isActive(c) ? 1 : 0,
    version: c.version,
    created_at: c.createdAt,
    body: JSON.stringify(c),
  };
}

export function fromCampaignRow(row: { body: unknown; version: unknown }): FirmwareCampaign {
  const body = (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as Parameters<typeof campaignFromStored>[0];
  // Rows written before `kind` was the one discriminator read as the same campaign.
  return campaignFromStored({ ...body, version: Number(row.version) });
}

