import type { FastifyInstance } from 'fastify';
import { ApiError, CsmsError } from '../../core/errors.js';
import { SECURITY_PROFILES, type SecurityProfile } from '../../core/security-profile.js';
import { PASSWORD_MAX_16, PASSWORD_PATTERN, generatePassword, passwordProblem } from '../../core/station-password.js';
import { setStationPassword } from '../../actors/commands/set-station-password.js';
import { rotateStationPassword } from '../../actors/commands/rotate-station-password.js';
import { upgradeSecurityProfile, type SecurityProfileUpgrade } from '../../actors/commands/security-profile-upgrade.js';
import type { ApiDeps } from '../deps.js';
import { errorBody, stationIdParam } from '../schemas.js';
import { commandResult } from '../station-call.js';

const errors = { 400: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 502: errorBody, 504: errorBody };

/** Security profiles and password rotation of a station (issue #14). */
export async function stationSecurityRoutes(app: FastifyInstance, opts: { deps: ApiDeps }): Promise<void> {
  const { deps } = opts;

  app.put<{ Params: { id: string }; Body: { securityProfile: SecurityProfile } }>(
    '/stations/:id/security-profile',
    {
      schema: {
        tags: ['stations'],
        operationId: 'setSecurityProfile',
        summary: 'Set the weakest transport a station may log in over (security profile 1, 2 or 3)',
        description:
          '1: HTTP Basic over ws:// or wss://. 2: HTTP Basic over wss:// only (CSMS_OCPP_TLS_PORT). 3: wss:// with a client ' +
          'certificate that chains to CSMS_TLS_STATION_CA_FILE, is valid now and whose subject CN is the station id; no ' +
          'password. A station at 2 or 3 is refused (401, logged with the reason) over anything weaker. Applies from the ' +
          'station’s next login; a connection already open stays open.',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: { securityProfile: { type: 'integer', enum: [...SECURITY_PROFILES] } },
          required: ['securityProfile'],
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { stationId: { type: 'string' }, securityProfile: { type: 'integer' } } }, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { securityProfile } = request.body;
      if (!(await deps.store.stations.setSecurityProfile(request.tenantId, id, securityProfile))) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      await deps.stations.forgetLogin?.(id);
      request.log.info({ stationId: id, securityProfile }, 'station security profile set');
      return { stationId: id, securityProfile };
    },
  );

  app.post<{ Params: { id: string }; Body: { password?: string; sendToStation?: boolean } }>(
    '/stations/:id/password',
    {
      schema: {
        tags: ['stations'],
        operationId: 'rotateStationPassword',
        summary: 'Give a station a new Basic-auth password (generated, or the one given) and send it to the station',
        description:
          'Sends 2.x SetVariables `SecurityCtrlr.BasicAuthPassword`, or 1.6 ChangeConfiguration `AuthorizationKey` (the ' +
          'password’s octets in hexadecimal, security whitepaper). From then on the new password is accepted, and the old one ' +
          'only until the station’s first successful login with the new one. A station that rejects it (or answers ' +
          'CALLERROR, or is gone before it was sent) keeps its old password only; one that does not answer in time keeps ' +
          'both until it logs in with the new one. Passwords: 16 to 40 characters of OCPP’s passwordString set ' +
          '(a-z A-Z 0-9 * - _ = : + | @ .), at most 20 for 1.6 (AuthorizationKey: 16 to 20 bytes); generated: 40 (2.x) or ' +
          '20 (1.6). `sendToStation: false` only stores it (the station was given it out of band): the old one stops at once, ' +
          'and a generated password is returned in the answer (the only time it is ever shown).',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            password: { type: 'string', pattern: PASSWORD_PATTERN },
            sendToStation: { type: 'boolean', default: true },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              stationId: { type: 'string' },
              accepted: { type: 'boolean', description: 'The station took the password (Accepted or RebootRequired); for sendToStation false, always true' },
              status: { type: ['string', 'null'], description: 'The station’s attributeStatus (2.x) or status (1.6)' },
              protocol: { type: ['string', 'null'] },
              rotatedAt: { type: 'string' },
              password: { type: 'string', description: 'Only when generated with sendToStation false' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const send = request.body.sendToStation !== false;
      const station = await deps.store.stations.getStation(request.tenantId, id);
      if (!station) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      const here = deps.stations.location(id);
      const live = here && here.tenantId === request.tenantId ? here : await deps.stations.locate?.(id).catch(() => undefined);
      const protocol = live && live.tenantId === request.tenantId ? live.version : station.protocol;
      if (send && !(live && live.tenantId === request.tenantId)) throw new CsmsError('STATION_NOT_CONNECTED', `Station ${id} is not connected: the password cannot be sent to it`);
      const is16 = protocol === 'ocpp1.6';
      const generated = request.body.password === undefined;
      const password = request.body.password ?? generatePassword(is16 ? PASSWORD_MAX_16 : 40);
      const problem = passwordProblem(password, is16);
      if (problem) throw new CsmsError('VALIDATION_FAILED', `password ${problem}`);
      if (!send) {
        const hash = await deps.hashPassword(password);
        const rotatedAt = new Date().toISOString();
        await deps.store.stations.setPassword(request.tenantId, id, hash, { keepPrevious: false, at: rotatedAt });
        await deps.stations.forgetLogin?.(id);
        request.log.info({ stationId: id, sentToStation: false }, 'station password set');
        return { stationId: id, accepted: true, status: null, protocol, rotatedAt, ...(generated ? { password } : {}) };
      }
      // Stored before it is sent: a station may reconnect with it as soon as it has taken it.
      const { run, rotatedAt } = await rotateStationPassword(
        { stations: deps.store.stations, commands: deps.commands, hashPassword: deps.hashPassword, forgetLogin: deps.stations.forgetLogin },
        { tenantId: request.tenantId, id, passwordHash: station.passwordHash, passwordRotatedAt: station.passwordRotatedAt ?? null },
        password,
      );
      const answer = await commandResult(deps, request, id, run); // throws the API error of a CALLERROR or failure
      const result = setStationPassword.fromOcpp(answer.protocol, answer.result);
      request.log.info({ stationId: id, protocol: answer.protocol, status: result.status, accepted: result.accepted }, 'station password rotation');
      return { stationId: id, accepted: result.accepted, status: result.status, protocol: answer.protocol, rotatedAt };
    },
  );

  app.post<{ Params: { id: string }; Body: SecurityProfileUpgrade }>(
    '/stations/:id/security-profile/upgrade',
    {
      schema: {
        tags: ['stations'],
        operationId: 'upgradeSecurityProfile',
        summary: 'Move a connected station to a stronger security profile over OCPP',
        description:
          '1.6 (security whitepaper): ChangeConfiguration `SecurityProfile`; the station reconnects with it. 2.x (A05): ' +
          'SetNetworkProfile (`csmsUrl`, the wss:// URL without the station id, into `configurationSlot`), SetVariables ' +
          '`OCPPCommCtrlr.NetworkConfigurationPriority` = that slot, then Reset OnIdle (unless `reset: false`). The stored ' +
          'profile is raised once the station has taken the configuration, so from its next login the weaker transport is ' +
          'refused. Stops at the first step the station does not take (`upgraded: false`, each step’s status). A profile ' +
          'is never lowered this way (use PUT /stations/{id}/security-profile).',
        params: stationIdParam,
        body: {
          type: 'object',
          properties: {
            securityProfile: { type: 'integer', enum: [2, 3] },
            csmsUrl: { type: 'string', pattern: '^wss://', maxLength: 512 },
            configurationSlot: { type: 'integer', minimum: 0 },
            reset: { type: 'boolean' },
          },
          required: ['securityProfile'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              stationId: { type: 'string' },
              upgraded: { type: 'boolean' },
              securityProfile: { type: 'integer', description: 'The stored profile after the call' },
              steps: { type: 'array', items: { type: 'object', properties: { action: { type: 'string' }, status: { type: 'string' } } } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const station = await deps.store.stations.getStation(request.tenantId, id);
      if (!station) throw new ApiError('STATION_NOT_FOUND', `Station ${id} not found`);
      if (request.body.securityProfile <= station.securityProfile) {
        throw new CsmsError('VALIDATION_FAILED', `Station ${id} is at security profile ${station.securityProfile}: an upgrade must raise it`);
      }
      const here = deps.stations.location(id);
      const live = here && here.tenantId === request.tenantId ? here : await deps.stations.locate?.(id).catch(() => undefined);
      if (!live || live.tenantId !== request.tenantId) throw new CsmsError('STATION_NOT_CONNECTED', `Station ${id} is not connected`);
      if (live.version !== 'ocpp1.6' && !request.body.csmsUrl) throw new CsmsError('VALIDATION_FAILED', 'csmsUrl (wss://…) is required for an OCPP 2.x station (SetNetworkProfile)');
      const outcome = await upgradeSecurityProfile(
        { commands: deps.commands, stations: deps.store.stations, forgetLogin: deps.stations.forgetLogin },
        request.tenantId,
        id,
        live.version,
        request.body,
      );
      // A step without an answer (CALLERROR, timeout, gone) is that step's API error.
      if (!outcome.upgraded && outcome.failed.reply.status !== 'result') await commandResult(deps, request, id, outcome.failed);
      const securityProfile = outcome.upgraded ? request.body.securityProfile : station.securityProfile;
      request.log.info({ stationId: id, upgraded: outcome.upgraded, securityProfile, steps: outcome.steps }, 'station security profile upgrade');
      return { stationId: id, upgraded: outcome.upgraded, securityProfile, steps: outcome.steps };
    },
  );
}
