/**
 * Failed station logins, per station id and per source address (pure; the clock is passed in).
 *
 * - A station id: after `freeFailures` failures it must wait `baseDelayMs · 2^(failures − freeFailures)`
 *   (capped at `maxDelayMs`) after its last failure; with `lockAfter` failures it is locked for `lockMs`.
 *   This stops guessing one station's password, from any number of addresses.
 * - A source address: counted by the distinct station ids that failed from it. Guessing across many
 *   ids (a scan, password spraying) backs the address off after `addressFreeIds` ids, with the same
 *   doubling per further id. One misconfigured station retrying its wrong password is its own id's
 *   problem and never blocks the other stations behind the same NAT address.
 *
 * A blocked attempt is refused before any store lookup or scrypt work and is not counted again. A
 * success clears the station id (not the address: an attacker behind the same address as good
 * stations must not be able to clear its own record by them).
 */
export interface LoginThrottleSettings {
  freeFailures: number;
  addressFreeIds: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockAfter: number;
  lockMs: number;
  /** Keys remembered per kind; the oldest are dropped beyond it (a flood of made-up ids stays bounded). */
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  freeFailures: 3,
  addressFreeIds: 20,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  maxKeys: 100_000,
};

/** Distinct ids remembered per address; beyond it the address is at the longest delay anyway. */
const MAX_IDS_PER_ADDRESS = 64;

interface StationFailures {
  count: number;
  blockedUntil: number;
  last: number;
}

interface AddressFailures {
  ids: Set<string>;
  blockedUntil: number;
  last: number;
}

export type Blocked = { code: 'locked' | 'rate-limited'; reason: string; retryAfterMs: number };

export class LoginThrottle {
  private readonly stations = new Map<string, StationFailures>();
  private readonly addresses = new Map<string, AddressFailures>();

  constructor(private readonly settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE) {}

  /** Undefined when an attempt may be checked now, else why not. */
  blocked(stationId: string, address: string, now: number): Blocked | undefined {
    const station = this.stations.get(stationId);
    if (station && station.blockedUntil > now) {
      const locked = station.count >= this.settings.lockAfter;
      return {
        code: locked ? 'locked' : 'rate-limited',
        reason: locked ? `station id locked after ${station.count} failed logins` : `station id backing off after ${station.count} failed logins`,
        retryAfterMs: station.blockedUntil - now,
      };
    }
    const source = this.addresses.get(address);
    if (source && source.blockedUntil > now) {
      return { code: 'rate-limited', reason: `source address backing off after failed logins on ${source.ids.size} station ids`, retryAfterMs: source.blockedUntil - now };
    }
    return undefined;
  }

  /** A refused login (wrong password, unknown id, bad certificate…). */
  failed(stationId: string, address: string, now: number): void {
    const s = this.settings;
    const station = take(this.stations, stationId) ?? { count: 0, blockedUntil: 0, last: now };
    station.count++;
    station.last = now;
    if (station.count >= s.lockAfter) station.blockedUntil = now + s.lockMs;
    else if (station.count >= s.freeFailures) station.blockedUntil = now + this.delay(station.count - s.freeFailures);
    put(this.stations, stationId, station, s.maxKeys);

    const source = take(this.addresses, address) ?? { ids: new Set<string>(), blockedUntil: 0, last: now };
    if (source.ids.size < MAX_IDS_PER_ADDRESS) source.ids.add(stationId);
    source.last = now;
    if (source.ids.size >= s.addressFreeIds) source.blockedUntil = now + this.delay(source.ids.size - s.addressFreeIds);
    put(this.addresses, address, source, s.maxKeys);
  }

  succeeded(stationId: string): void {
    this.stations.delete(stationId);
  }

  /** Forgets records whose block ended long ago (called now and then). */
  sweep(now: number): void {
    const idle = Math.max(this.settings.lockMs, this.settings.maxDelayMs);
    for (const map of [this.stations, this.addresses] as Array<Map<string, { blockedUntil: number; last: number }>>) {
      for (const [key, entry] of map) if (Math.max(entry.blockedUntil, entry.last) + idle < now) map.delete(key);
    }
  }

  private delay(beyondFree: number): number {
    return Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** Math.min(beyondFree, 40));
  }
}

/** Removes and returns an entry, so putting it back moves it to the end (the map's order is the order of last failure). */
function take<V>(map: Map<string, V>, key: string): V | undefined {
  const entry = map.get(key);
  if (entry !== undefined) map.delete(key);
  return entry;
}

function put<V>(map: Map<string, V>, key: string, entry: V, maxKeys: number): void {
  map.set(key, entry);
  if (map.size > maxKeys) map.delete(map.keys().next().value!);
}
