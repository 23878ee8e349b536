/**
 * Failed station logins, per station id and per source address (pure; the clock is passed in).
 * After `freeFailures` failures a key must wait `baseDelayMs · 2^(failures − freeFailures)`
 * (capped at `maxDelayMs`) after its last failure before it is tried again; a station id with
 * `lockAfter` failures is locked for `lockMs`. A blocked attempt is refused before any store
 * lookup or scrypt work. A success clears the station id (not the address: an attacker behind the
 * same address as good stations must not be able to clear its own record by them).
 */
export interface LoginThrottleSettings {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  lockAfter: number;
  lockMs: number;
  /** Keys remembered per kind; the oldest are dropped beyond it (a flood of made-up ids stays bounded). */
  maxKeys: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  maxKeys: 100_000,
};

interface Failures {
  count: number;
  blockedUntil: number;
  last: number;
}

export type Blocked = { code: 'locked' | 'rate-limited'; reason: string; retryAfterMs: number };

export class LoginThrottle {
  private readonly stations = new Map<string, Failures>();
  private readonly addresses = new Map<string, Failures>();

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
      return { code: 'rate-limited', reason: `source address backing off after ${source.count} failed logins`, retryAfterMs: source.blockedUntil - now };
    }
    return undefined;
  }

  /** A refused login (wrong password, unknown id, bad certificate…). */
  failed(stationId: string, address: string, now: number): void {
    this.bump(this.stations, stationId, now, true);
    this.bump(this.addresses, address, now, false);
  }

  succeeded(stationId: string): void {
    this.stations.delete(stationId);
  }

  private bump(map: Map<string, Failures>, key: string, now: number, lockable: boolean): void {
    const s = this.settings;
    const entry = map.get(key) ?? { count: 0, blockedUntil: 0, last: now };
    map.delete(key); // re-insert: the map's order is the order of last failure, oldest first
    entry.count++;
    entry.last = now;
    if (lockable && entry.count >= s.lockAfter) entry.blockedUntil = now + s.lockMs;
    else if (entry.count >= s.freeFailures) entry.blockedUntil = now + Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (entry.count - s.freeFailures));
    map.set(key, entry);
    if (map.size > s.maxKeys) map.delete(map.keys().next().value!);
  }

  /** Forgets records whose block ended long ago (called now and then). */
  sweep(now: number): void {
    const idle = Math.max(this.settings.lockMs, this.settings.maxDelayMs);
    for (const map of [this.stations, this.addresses]) {
      for (const [key, entry] of map) if (Math.max(entry.blockedUntil, entry.last) + idle < now) map.delete(key);
    }
  }
}
