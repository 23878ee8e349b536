import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseBasicAuth, verifyPassword } from '../core/password.js';
import type { StationLogin } from '../core/ports/store/store.js';

export type AdmitResult = { ok: true; tenantId: string } | { ok: false; status: 401 | 404; reason: string };

/** A refusal; `reason` is for the log (the station only sees 401). */
function refused(reason: string): AdmitResult {
  return { ok: false, status: 401, reason };
}

const NO_CREDENTIALS = 'no (or unreadable) Basic credentials';
const USER_MISMATCH = 'Basic user id does not match the station id in the path';

/**
 * Security profile 1 (HTTP Basic, user = station id). scrypt is deliberately slow, so after one
 * successful check we remember an HMAC of the password under a per-process key: a reconnect
 * storm then costs one HMAC per station instead of one scrypt. The entry is tied to the stored
 * hash, so changing the password invalidates it.
 */
export class StationAuthenticator {
  private readonly key = randomBytes(32);
  /** Stations admitted before: their tenant, stored hash and the HMAC of the password that worked. */
  private readonly admitted = new Map<string, { tenantId: string; hash: string | null; mac?: Buffer }>();

  constructor(
    private readonly lookup: (stationId: string) => Promise<StationLogin | undefined>,
    private readonly allowUnknown: boolean,
  ) {}

  /**
   * Decides from memory alone for a station admitted before; undefined when the store must be
   * asked. Lets the gateway upgrade synchronously on reconnects (no thread round trip).
   */
  admitKnown(stationId: string, authorization: string | undefined): AdmitResult | undefined {
    const entry = this.admitted.get(stationId);
    if (!entry) return undefined;
    if (entry.hash === null) return { ok: true, tenantId: entry.tenantId };
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return refused(NO_CREDENTIALS);
    if (credentials.user !== stationId) return refused(USER_MISMATCH);
    // A different password may be a new one set in the store: let the slow path decide.
    return timingSafeEqual(this.mac(credentials.password), entry.mac!) ? { ok: true, tenantId: entry.tenantId } : undefined;
  }

  /** Drops what we remember of a station (deleted, or its credentials changed). */
  forget(stationId: string): void {
    this.admitted.delete(stationId);
  }

  async admit(stationId: string, authorization: string | undefined): Promise<AdmitResult> {
    const login = await this.lookup(stationId);
    if (!login) {
      // Not remembered: allow-unknown stations are not in the store until their first boot.
      return this.allowUnknown
        ? { ok: true, tenantId: 'default' }
        : { ok: false, status: 401, reason: 'unknown station' };
    }
    if (login.passwordHash === null) {
      if (!this.allowUnknown) return { ok: false, status: 401, reason: 'station has no password set' };
      this.admitted.set(stationId, { tenantId: login.tenantId, hash: null });
      return { ok: true, tenantId: login.tenantId };
    }
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return refused(NO_CREDENTIALS);
    if (credentials.user !== stationId) return refused(USER_MISMATCH);
    if (await this.check(stationId, login.tenantId, credentials.password, login.passwordHash)) {
      return { ok: true, tenantId: login.tenantId };
    }
    return { ok: false, status: 401, reason: 'wrong password' };
  }

  private mac(password: string): Buffer {
    return createHmac('sha256', this.key).update(password).digest();
  }

  private async check(stationId: string, tenantId: string, password: string, hash: string): Promise<boolean> {
    const mac = this.mac(password);
    const cached = this.admitted.get(stationId);
    if (cached && cached.hash === hash && cached.mac) return timingSafeEqual(cached.mac, mac);
    if (!(await verifyPassword(password, hash))) return false;
    this.admitted.set(stationId, { tenantId, hash, mac });
    return true;
  }
}
