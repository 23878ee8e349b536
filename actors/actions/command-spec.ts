import type { BusEvent } from '../../core/envelope.js';
import type { Payload } from '../../core/frame.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { Store } from '../../core/ports/store/store.js';

/** What a CSMS-initiated action's hooks may use; they run on the node holding the station. */
export interface CommandContext {
  tenantId: string;
  stationId: string;
  protocol: OcppVersion;
  store: Store;
  publish(event: BusEvent): void;
  clock(): Date;
  /**
   * Records something the CSMS decided while sending this call (e.g. the remoteStartId it
   * issued). The sender gets these `facts` beside the station's reply, over NATS too.
   */
  note(name: string, value: unknown): void;
}

/**
 * A CSMS-initiated action as the station-commands service sends it, whoever asked (typed REST,
 * generic REST, NATS). An entry without hooks only says "we can send this".
 */
export interface CommandSpec<Req = Payload, Res = Payload> {
  action: string;
  /** Runs before the call goes out; may return an adjusted payload (e.g. 2.x remoteStartId). */
  prepare?(ctx: CommandContext, req: Req): Promise<Req>;
  /** What the station's answer changes (stored, published); runs before the sender gets the answer, whoever sent it. */
  onResult?(ctx: CommandContext, req: Req, res: Res): Promise<void>;
}

/** Action → spec for one OCPP version. */
export type CommandTable = Readonly<Record<string, CommandSpec<any, any>>>;

/** Actions of a version's schema set we deliberately do not send, each with the reason. */
export type NotSupported = Readonly<Record<string, string>>;

/** A CSMS-initiated action with nothing to do but send it. */
export function sendOnly(action: string): CommandSpec {
  return { action };
}

export function commandTable(specs: ReadonlyArray<CommandSpec<any, any>>): CommandTable {
  return Object.freeze(Object.fromEntries(specs.map((spec) => [spec.action, spec])));
}
