import { validateProfile, type ChargingProfile } from '../../core/charging-profile.js';
import { CsmsError } from '../../core/errors.js';
import { attachmentOf, wattsPerAmp } from '../../core/sites.js';
import * as v16 from '../actions/ocpp16/set-charging-profile.js';
import * as v2 from '../actions/ocpp2/set-charging-profile.js';
import { stationCommand, type CommandScope } from './command.js';

export interface SetChargingProfileInput {
  evseId: number;
  profile: ChargingProfile;
  /**
   * The EVSE's rating, when the caller knows it: limits beyond it are refused. When neither is
   * given and the EVSE (or its whole station) is attached to a site, the attachment's rating is
   * used (maxA, else the site's defaultMaxA; in W at the site's voltage × the EVSE's phases).
   */
  ratingA?: number;
  ratingW?: number;
}

/**
 * Checks the profile for the station's version and against the profiles it already holds (set
 * by us or reported by it) before anything is sent: one 400 naming every problem.
 */
async function validated(scope: CommandScope, input: SetChargingProfileInput): Promise<SetChargingProfileInput> {
  let { ratingA, ratingW } = input;
  if (ratingA === undefined && ratingW === undefined) {
    const site = await scope.store.sites.findByStation(scope.tenantId, scope.stationId);
    const attachment = site && attachmentOf(site, scope.stationId, input.evseId);
    if (site && attachment) {
      ratingA = attachment.maxA ?? site.defaultMaxA;
      ratingW = ratingA * wattsPerAmp(site, attachment.phases === 1 ? 1 : 3);
    }
  }
  const existing = (await scope.store.chargingProfiles.list(scope.tenantId, scope.stationId)).map((r) => ({ ...r.profile, evseId: r.evseId }));
  const version = scope.protocol === 'ocpp1.6' ? '1.6' : '2.x';
  const problems = validateProfile(input.profile, { evseId: input.evseId, ratingA, ratingW }, version, existing);
  if (problems.length > 0) {
    throw new CsmsError('VALIDATION_FAILED', `The charging profile cannot be sent to this ${scope.protocol} station: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
  }
  return input;
}

/** SetChargingProfile; its onResult keeps what the station accepted (store.chargingProfiles). */
export const setChargingProfile = stationCommand<SetChargingProfileInput>('SetChargingProfile', { ocpp16: v16, ocpp2: v2 }, { resolve: validated });
