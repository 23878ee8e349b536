/**
 * The deterministic plan of a simulated fleet: station ids, OCPP versions, passwords and
 * which child process / source address owns which station. Parent and children compute
 * the same plan from the same numbers, so no station lists cross IPC.
 */
import type { OcppVersion } from './payloads.js';

/** Relative weights of the three protocol versions, e.g. "16:5,201:3,21:2". */
export interface VersionMix {
  'ocpp1.6': number;
  'ocpp2.0.1': number;
  'ocpp2.1': number;
}

export const DEFAULT_MIX: VersionMix = { 'ocpp1.6': 5, 'ocpp2.0.1': 3, 'ocpp2.1': 2 };

export function parseMix(text: string): VersionMix {
  const mix: VersionMix = { 'ocpp1.6': 0, 'ocpp2.0.1': 0, 'ocpp2.1': 0 };
  const names: Record<string, OcppVersion> = { '16': 'ocpp1.6', '201': 'ocpp2.0.1', '21': 'ocpp2.1' };
  for (const part of text.split(',')) {
    const [k, w] = part.split(':');
    const v = names[k.replace(/[^0-9]/g, '')];
    if (!v) throw new Error(`unknown version in --mix: ${k} (use 16, 201, 21)`);
    mix[v] = Number(w ?? 1);
  }
  if (mix['ocpp1.6'] + mix['ocpp2.0.1'] + mix['ocpp2.1'] <= 0) throw new Error('--mix has no weight');
  return mix;
}

/** Version of station `index`: weights spread evenly (period = sum of weights). */
export function versionFor(index: number, mix: VersionMix): OcppVersion {
  const total = mix['ocpp1.6'] + mix['ocpp2.0.1'] + mix['ocpp2.1'];
  const slot = index % total;
  if (slot < mix['ocpp1.6']) return 'ocpp1.6';
  if (slot < mix['ocpp1.6'] + mix['ocpp2.0.1']) return 'ocpp2.0.1';
  return 'ocpp2.1';
}

export function stationId(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(6, '0')}`;
}

/** Security profile 1 wants 16–40 characters. */
export function stationPassword(index: number): string {
  return `switchyard-bench-${String(index).padStart(6, '0')}`;
}

export function basicAuth(id: string, password: string): string {
  return `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}`;
}

/** Contiguous slices of the fleet, one per child process. */
export interface Slice {
  child: number;
  first: number;
  count: number;
  sourceAddresses: string[];
}

/**
 * Splits `stations` over children holding at most `perChild` sockets each. Each child
 * gets its own loopback source addresses (127.<subnet>.<child>.2 and .3), two per child
 * so that a child never needs more than ~half of one address's ephemeral port range
 * (28k ports per source/destination pair). Each run uses a new `subnet`, so ports still
 * in TIME_WAIT from the previous run never get in the way.
 */
export function planSlices(stations: number, perChild: number, minChildren = 1, subnet = 0): Slice[] {
  const children = Math.max(minChildren, Math.ceil(stations / perChild));
  const slices: Slice[] = [];
  let first = 0;
  for (let c = 0; c < children; c++) {
    const count = Math.floor(stations / children) + (c < stations % children ? 1 : 0);
    slices.push({ child: c, first, count, sourceAddresses: [`127.${subnet}.${c}.2`, `127.${subnet}.${c}.3`] });
    first += count;
  }
  return slices;
}
