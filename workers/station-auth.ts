import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseBasicAuth, verifyPassword } from '../core/password.js';
import type { StationLogin } from '../adapters/store/store.js';

export type AdmitResult = { ok: true; tenantId: string } | { ok: false; status: 401 | 404; reason: string };

/**
 * Security profile 1 (HTTP Basic, user = station id). scrypt is deliberately slow, so after one
 * successful check we remember an HMAC of the password under a per-process key: a reconnect
 * storm then costs one HMAC per station instead of one scrypt. The entry is tied to the stored
 * hash, so changing the password invalidates it.
 */
export class StationAuthenticator {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { hash: string; mac: Buffer }>();

  constructor(
    private readonly lookup: (stationId: string) => Promise<StationLogin | undefined>,
    private readonly allowUnknown: boolean,
  ) {}

  async admit(stationId: string, authorization: string | undefined): Promise<AdmitResult> {
    const login = await this.lookup(stationId);
    if (!login) {
      return this.allowUnknown
        ? { ok: true, tenantId: 'default' }
        : { ok: false, status: 401, reason: 'unknown station' };
    }
    if (login.passwordHash === null) {
      // Registered on first boot in allow-unknown mode and never given a password.
      return this.allowUnknown
        ? { ok: true, tenantId: login.tenantId }
        : { ok: false, status: 401, reason: 'station has no password set' };
    }
    const credentials = parseBasicAuth(authorization);
    if (!credentials || credentials.user !== stationId) {
      return { ok: false, status: 401, reason: 'missing or mismatched Basic credentials' };
    }
    if (await this.check(stationId, credentials.password, login.passwordHash)) {
      return { ok: true, tenantId: login.tenantId };
    }
    return { ok: false, status: 401, reason: 'wrong password' };
  }

  private async check(stationId: string, password: string, hash: string): Promise<boolean> {
    const mac = createHmac('sha256', this.key).update(password).digest();
    const cached = this.verified.get(stationId);
    if (cached && cached.hash === hash) return timingSafeEqual(cached.mac, mac);
    if (!(await verifyPassword(password, hash))) return false;
    this.verified.set(stationId, { hash, mac });
    return true;
  }
}
