import type { StationStore } from '../../core/ports/store/store.js';
import { generatePassword, PASSWORD_MAX_16 } from '../../core/station-password.js';
import type { OcppVersion } from '../../core/protocols.js';
import { setStationPassword } from './set-station-password.js';
import type { CommandRun, StationCommands } from './station-commands.js';

export interface RotationDeps {
  stations: Pick<StationStore, 'getStation' | 'setPassword'>;
  commands: Pick<StationCommands, 'run'>;
  hashPassword(password: string): Promise<string>;
  /** Every node stops admitting the station from a remembered password (cluster-wide with NATS). */
  forgetLogin?(stationId: string): Promise<void>;
}

export interface RotationOutcome {
  run: CommandRun;
  /** The station took it (Accepted or RebootRequired). */
  taken: boolean;
  rotatedAt: string;
}

/** A generated password for a station of `protocol`: 20 characters for 1.6 (AuthorizationKey), 40 for 2.x. */
export function generatedPasswordFor(protocol: OcppVersion | null | undefined): string {
  return generatePassword(protocol === 'ocpp1.6' ? PASSWORD_MAX_16 : 40);
}

/**
 * Password rotation (A01, 1.6 security whitepaper), one station: the new password is stored
 * beside the old one before it is sent (a station may reconnect with it as soon as it has it),
 * remembered logins are forgotten, SetVariables / ChangeConfiguration goes out; a station that
 * refuses it (or is not reached) keeps only its old password. A station that does not answer in
 * time keeps both until it logs in with the new one. `previousHash`: the station's current hash.
 * Used by `POST /stations/{id}/password` and by bulk rotation jobs (the campaign driver).
 */
export async function rotateStationPassword(
  deps: RotationDeps,
  station: { tenantId: string; id: string; passwordHash: string | null; passwordRotatedAt: string | null },
  password: string,
): Promise<RotationOutcome> {
  const { tenantId, id } = station;
  const hash = await deps.hashPassword(password);
  const rotatedAt = new Date().toISOString();
  await deps.stations.setPassword(tenantId, id, hash, { keepPrevious: true, at: rotatedAt });
  await deps.forgetLogin?.(id);
  const run = await deps.commands.run(tenantId, id, setStationPassword, { password });
  const reply = run.reply;
  const taken = reply.status === 'result' && setStationPassword.fromOcpp(run.sent!.protocol, reply.payload).accepted;
  const ambiguous = reply.status === 'failed' && reply.reason === 'timeout';
  if (!taken && !ambiguous && station.passwordHash !== null) {
    // Not taken: the old password alone again.
    await deps.stations.setPassword(tenantId, id, station.passwordHash, { keepPrevious: false, at: station.passwordRotatedAt ?? rotatedAt });
    await deps.forgetLogin?.(id);
  }
  return { run, taken, rotatedAt };
}
