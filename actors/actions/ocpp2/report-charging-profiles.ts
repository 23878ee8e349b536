import { fromOcpp } from '../../../core/charging-profile.js';
import { correlate, type ReportContext } from '../shared/station-reports.js';

interface ReportChargingProfilesRequest {
  requestId: number;
  chargingLimitSource: string;
  tbc?: boolean;
  evseId: number;
  chargingProfile: Array<Record<string, unknown>>;
}

/**
 * ReportChargingProfiles: one page of a GetChargingProfiles answer. Each profile is kept as
 * what the station reports (source 'station', beside what the CSMS set, so differences show),
 * the page is applied to the request (tbc: receiving → complete), then it is published.
 */
export async function reportChargingProfiles(ctx: ReportContext, req: ReportChargingProfilesRequest): Promise<Record<string, never>> {
  const { tenantId, stationId } = ctx.session;
  const updatedAt = ctx.clock().toISOString();
  const profiles = req.chargingProfile.map(fromOcpp);
  const [, transition] = await Promise.all([
    Promise.all(profiles.map((profile) => ctx.store.chargingProfiles.put({ tenantId, stationId, evseId: req.evseId, source: 'station', profile, updatedAt }))),
    correlate(ctx, 'ReportChargingProfiles', req.requestId, { tbc: req.tbc ?? false, summary: { profiles: profiles.length } }),
  ]);
  ctx.events.emit('profile.reported', ctx.session, {
    requestId: req.requestId,
    evseId: req.evseId,
    chargingLimitSource: req.chargingLimitSource,
    profiles: profiles.length,
    tbc: req.tbc ?? false,
    request: transition?.request.status ?? null,
  });
  return {};
}
