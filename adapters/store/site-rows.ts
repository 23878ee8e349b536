import type { Site } from '../../core/sites.js';

/**
 * A site as one row (searchable columns, the rest as JSON in `body`) plus its station index
 * (`site_stations`: one row per attached station, for `findByStation`), shared by the SQL adapters.
 */
export interface SiteRow {
  tenant_id: string;
  id: string;
  version: number;
  created_at: string;
  body: string;
}

export function toSiteRow(s: Site): SiteRow {
  return { tenant_id: s.tenantId, id: s.id, version: s.version, created_at: s.createdAt, body: JSON.stringify(s) };
}

export function fromSiteRow(row: { body: unknown; version: unknown }): Site {
  const body = (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as Site;
  return { ...body, version: Number(row.version) };
}

/** The distinct stations attached to a site. */
export function siteStationIds(s: Pick<Site, 'attachments'>): string[] {
  return [...new Set(s.attachments.map((a) => a.stationId))];
}

