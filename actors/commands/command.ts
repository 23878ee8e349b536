import { WrongProtocolError } from '../../core/errors.js';
import type { Payload } from '../../core/frame.js';
import type { OcppVersion } from '../../core/protocols.js';
import type { Store } from '../../core/ports/store/store.js';
import type { Mapped } from '../actions/command-inputs.js';

/** One version's side of a typed command: its action file's spec and pure mappings. */
export interface VersionMapping<In, Out> {
  command: { action: string };
  toOcpp(input: In): object;
  fromOcpp?(result: never): Out;
}

/** Where a command is going, for the one step that may read the store first. */
export interface CommandScope {
  tenantId: string;
  stationId: string;
  protocol: OcppVersion;
  store: Store;
}

/**
 * A version-neutral command (reset, remote start, …): picks the mapping for the station's
 * protocol. `toOcpp` and `fromOcpp` are pure; they throw a CsmsError (WRONG_PROTOCOL, …) when
 * the input cannot be expressed for that station.
 */
export interface StationCommand<In, Out = Payload> {
  readonly name: string;
  /** Fills in what the mapping needs from the store (e.g. 1.6's numeric transaction id). */
  resolve?(scope: CommandScope, input: In): Promise<In>;
  toOcpp(protocol: OcppVersion, input: In): Mapped;
  /** The station's CALLRESULT read back version-neutrally. */
  fromOcpp(protocol: OcppVersion, result: Payload): Out;
}

export interface Mappings<In, Out> {
  ocpp16?: VersionMapping<In, Out>;
  /** 2.0.1, and 2.1 unless `ocpp21` says otherwise. */
  ocpp2?: VersionMapping<In, Out>;
  ocpp21?: VersionMapping<In, Out>;
}

export interface CommandOptions<In> {
  /** Why the command does not exist for a version, and what to use instead. */
  unavailable?: string;
  resolve?: StationCommand<In, unknown>['resolve'];
}

function pick<In, Out>(mappings: Mappings<In, Out>, protocol: OcppVersion): VersionMapping<In, Out> | undefined {
  if (protocol === 'ocpp1.6') return mappings.ocpp16;
  if (protocol === 'ocpp2.1') return mappings.ocpp21 ?? mappings.ocpp2;
  return mappings.ocpp2;
}

export function stationCommand<In, Out = Payload>(name: string, mappings: Mappings<In, Out>, options: CommandOptions<In> = {}): StationCommand<In, Out> {
  const mappingFor = (protocol: OcppVersion) => {
    const mapping = pick(mappings, protocol);
    if (!mapping) throw new WrongProtocolError(`This station speaks ${protocol}; ${options.unavailable ?? `${name} does not exist in it`}`, { protocol });
    return mapping;
  };
  return {
    name,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    toOcpp(protocol, input) {
      const mapping = mappingFor(protocol);
      return { action: mapping.command.action, payload: mapping.toOcpp(input) as Payload };
    },
    fromOcpp(protocol, result) {
      const read = mappingFor(protocol).fromOcpp as ((result: Payload) => Out) | undefined;
      return read ? read(result) : (result as Out);
    },
  };
}
