import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CsmsError } from '../core/errors.js';
import type { StationReply } from '../core/envelope.js';
import type { Store } from '../core/ports/store/store.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import { remoteStart } from '../actors/commands/remote-start.js';
import { remoteStop } from '../actors/commands/remote-stop.js';
import { unlockConnector } from '../actors/commands/unlock-connector.js';
import { reserveNow } from '../actors/commands/reserve-now.js';
import { cancelReservation } from '../actors/commands/cancel-reservation.js';
import type { StationCommands } from '../actors/commands/station-commands.js';
import type { OcpiDeliveryLoop } from './delivery.js';
import type { LocationService } from './locations.js';
import { OcpiError, envelope } from './status.js';

/** §13.4.1 CommandResponseType and §13.4.3 CommandResultType. */
type CommandResultType = 'ACCEPTED' | 'CANCELED_RESERVATION' | 'EVSE_OCCUPIED' | 'EVSE_INOPERATIVE' | 'FAILED' | 'NOT_SUPPORTED' | 'REJECTED' | 'TIMEOUT' | 'UNKNOWN_RESERVATION';

const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const token = { type: 'object', required: ['uid', 'type'], properties: { uid: str(36), type: { type: 'string' }, country_code: str(2, 2), party_id: str(3, 3) } } as const;
/** §13.3 the request objects of each command (required fields). */
const BODIES = {
  START_SESSION: { type: 'object', required: ['response_url', 'token', 'location_id'], properties: { response_url: str(255), token, location_id: str(36), evse_uid: str(36), connector_id: str(36), authorization_reference: str(36) } },
  STOP_SESSION: { type: 'object', required: ['response_url', 'session_id'], properties: { response_url: str(255), session_id: str(36) } },
  RESERVE_NOW: { type: 'object', required: ['response_url', 'token', 'expiry_date', 'reservation_id', 'location_id'], properties: { response_url: str(255), token, expiry_date: { type: 'string', format: 'date-time' }, reservation_id: str(36), location_id: str(36), evse_uid: str(36), authorization_reference: str(36) } },
  CANCEL_RESERVATION: { type: 'object', required: ['response_url', 'reservation_id'], properties: { response_url: str(255), reservation_id: str(36) } },
  UNLOCK_CONNECTOR: { type: 'object', required: ['response_url', 'location_id', 'evse_uid', 'connector_id'], properties: { response_url: str(255), location_id: str(36), evse_uid: str(36), connector_id: str(36) } },
} as const;
type CommandName = keyof typeof BODIES;

/** How long a partner should wait for the CommandResult (§13.3.1 `timeout`, seconds). */
const RESULT_TIMEOUT_SEC = 60;

/**
 * The commands module, receiver interface (OCPI 2.2.1 §13): a partner's command is checked
 * (location, EVSE, session), answered at once with a CommandResponse, then sent through the one
 * command service (actors/commands/station-commands.ts, so its effects are those of the REST API)
 * and the station's answer POSTed to `response_url` as a CommandResult through the delivery outbox.
 */
export async function commandsReceiver(app: FastifyInstance, options: {
  base: string; store: Pick<Store, 'transactions'>; ocpi: OcpiStore; commands: StationCommands; locations: LocationService; delivery: OcpiDeliveryLoop; log?: Pick<Logger, 'info' | 'warn'>;
}): Promise<void> {
  const { locations, commands, delivery } = options;

  async function evseOf(tenantId: string, locationId: string, evseUid: string | undefined) {
    const doc = await locations.get(tenantId, locationId);
    if (!doc || !doc.body.location.publish) throw new OcpiError(2003, `unknown location ${locationId}`);
    const uid = evseUid ?? Object.keys(doc.body.mapping)[0];
    const mapping = uid !== undefined ? doc.body.mapping[uid] : undefined;
    if (!mapping) throw new OcpiError(2003, `unknown EVSE ${evseUid ?? '(none)'} at location ${locationId}`);
    return { ...mapping, evseUid: uid!, evse: doc.body.location.evses?.find((e) => e.uid === uid) };
  }

  /** The station's reply as a CommandResultType (§13.4.3). */
  function resultOf(reply: StationReply): CommandResultType {
    if (reply.status === 'failed') return reply.reason === 'timeout' ? 'TIMEOUT' : 'FAILED';
    if (reply.status === 'callerror') return reply.code === 'NotSupported' || reply.code === 'NotImplemented' ? 'NOT_SUPPORTED' : 'FAILED';
    const status = String((reply.payload as { status?: unknown }).status ?? '');
    switch (status) {
      case 'Accepted': case 'Unlocked': return 'ACCEPTED';
      case 'Occupied': return 'EVSE_OCCUPIED';
      case 'Faulted': case 'Unavailable': return 'EVSE_INOPERATIVE';
      case 'Rejected': case 'UnlockFailed': case 'OngoingAuthorizedTransaction': case 'UnknownConnector': return 'REJECTED';
      case 'NotSupported': return 'NOT_SUPPORTED';
      default: return 'FAILED';
    }
  }

  for (const name of Object.keys(BODIES) as CommandName[]) {
    app.post(`${options.base}/${name}`, { schema: { hide: true, body: BODIES[name] } }, async (request) => {
      const { partner } = request.ocpiCaller!;
      const tenantId = partner.tenantId;
      const body = request.body as Record<string, any>;
      // Checked before the answer: what cannot be sent is refused at once (§13.4.1 REJECTED / UNKNOWN_SESSION, 2003).
      let send: () => Promise<{ reply: StationReply }>;
      let stationId: string;
      switch (name) {
        case 'START_SESSION': {
          const place = await evseOf(tenantId, body.location_id, body.evse_uid);
          stationId = place.stationId;
          send = () => commands.run(tenantId, stationId, remoteStart, { idToken: body.token.uid as string, evseId: place.evseId });
          break;
        }
        case 'STOP_SESSION': {
          const tx = await options.store.transactions.getTransaction(tenantId, body.session_id);
          if (!tx || !tx.isActive) return envelope(1000, { result: 'UNKNOWN_SESSION', timeout: 0, message: [{ language: 'en', text: `no active session ${body.session_id}` }] });
          stationId = tx.stationId;
          send = () => commands.run(tenantId, stationId, remoteStop, { transactionId: tx.id });
          break;
        }
        case 'UNLOCK_CONNECTOR': {
          const place = await evseOf(tenantId, body.location_id, body.evse_uid);
          if (!place.evse?.connectors.some((c) => c.id === body.connector_id)) throw new OcpiError(2003, `unknown connector ${body.connector_id}`);
          stationId = place.stationId;
          send = () => commands.run(tenantId, stationId, unlockConnector, { evseId: place.evseId, connectorId: 1 });
          break;
        }
        case 'RESERVE_NOW': {
          const place = await evseOf(tenantId, body.location_id, body.evse_uid);
          stationId = place.stationId;
          // Switchyard allocates its own reservation id; the partner's reservation_id maps to it (for CANCEL_RESERVATION).
          send = async () => {
            const run = await commands.run(tenantId, stationId, reserveNow, { evseId: place.evseId, idToken: { idToken: body.token.uid as string }, expiresAt: new Date(body.expiry_date).toISOString() });
            const ours = (run.reply as { facts?: { reservationId?: unknown } }).facts?.reservationId;
            if (typeof ours === 'number') {
              await options.ocpi.putDoc({ tenantId, kind: 'reservation', id: `${partner.id}:${body.reservation_id}`, scope: partner.id, lookup: null, lastUpdated: new Date().toISOString(), body: { reservationId: ours, stationId } });
            }
            return run;
          };
          break;
        }
        case 'CANCEL_RESERVATION': {
          const mapped = (await options.ocpi.getDoc<{ reservationId: number; stationId: string }>('reservation', tenantId, `${partner.id}:${body.reservation_id}`))?.body;
          if (!mapped) return envelope(1000, { result: 'REJECTED', timeout: 0, message: [{ language: 'en', text: `unknown reservation ${body.reservation_id}` }] });
          stationId = mapped.stationId;
          send = () => commands.run(tenantId, stationId, cancelReservation, { reservationId: mapped.reservationId });
          break;
        }
      }
      const fields = { tenantId, partnerId: partner.id, command: name, stationId };
      // After the answer: the station's outcome goes to response_url (durable, retried like pushes).
      setImmediate(() => {
        send()
          .then(({ reply }) => resultOf(reply), (error: unknown) => {
            options.log?.warn({ ...fields, err: error }, 'OCPI command not sent');
            return error instanceof CsmsError && error.code === 'WRONG_PROTOCOL' ? 'NOT_SUPPORTED' as const : 'FAILED' as const;
          })
          .then((result) => {
            options.log?.info({ ...fields, result }, 'OCPI command result');
            return delivery.sendTo(tenantId, partner.id, { method: 'POST', url: body.response_url, body: { result }, objectKey: `command:${name}:${stationId}` });
          })
          .catch((error: unknown) => options.log?.warn({ ...fields, err: error }, 'OCPI command result not queued'));
      });
      return envelope(1000, { result: 'ACCEPTED', timeout: RESULT_TIMEOUT_SEC });
    });
  }

}
