import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseBasicAuth, verifyPassword } from '../core/password.js';
import type { StationLogin } from '../core/ports/store/store.js';
import { monotonicNow } from './monotonic-clock.js';
import { needsPassword, transportRefusal, type Refusal, type RefusalCode, type SecurityProfile, type TransportSecurity } from '../core/security-profile.js';

export type AdmitResult = { ok: true; tenantId: string } | { ok: false; status: 401 | 404; code: RefusalCode; reason: string };

/** What the handler thread answers for a login: the station (or undefined) and whether failed logins block it now. */
export interface LoginLookup {
  login: StationLogin | undefined;
  blocked?: Refusal;
}

/** The node-wide side of logins (handler thread): store lookup, failed-login throttle, password confirmation. */
export interface LoginPort {
  lookup(stationId: string, remoteAddress: string): Promise<LoginLookup>;
  /** A refusal that counts against the station id and the source address (not a missing Authorization header). */
  failed(stationId: string, remoteAddress: string, code: RefusalCode): void;
  /** A success; `confirm`: the station logged in with this (new) hash, so its previous password stops working. */
  succeeded(stationId: string, confirm?: string): void;
}

function refused(refusal: Refusal): AdmitResult {
  return { ok: false, status: 401, ...refusal };
}

const NO_CREDENTIALS: Refusal = { code: 'no-credentials', reason: 'no (or unreadable) Basic credentials' };
const USER_MISMATCH: Refusal = { code: 'user-mismatch', reason: 'Basic user id does not match the station id in the path' };

/**
 * What a gateway thread remembers of an admitted station. The node's gateway threads share one
 * HMAC key, so an entry one thread learned serves on the others (`learn`).
 */
export interface Admitted {
  tenantId: string;
  profile: SecurityProfile;
  hash: string | null;
  mac?: Uint8Array;
}

/**
 * Station logins: security profile 1 (HTTP Basic, user = station id), 2 (the same over TLS) and 3
 * (a client certificate whose CN is the station id, no password). The station's profile decides
 * the weakest transport it may use, so a profile 2/3 station is never admitted over a weaker one.
 *
 * scrypt is deliberately slow, so after one successful check we remember an HMAC of the password
 * under a per-process key: a reconnect storm then costs one HMAC per station instead of one
 * scrypt, and a station whose password is right is admitted here without asking the failed-login
 * throttle. Everything else goes to the handler thread, which says whether the id or the address
 * is backing off or locked; then no scrypt is spent. The entry is tied to the stored hash, so
 * changing the password (or the profile: `forget`) invalidates it.
 */
export class StationAuthenticator {
  private readonly key: Uint8Array;
  private readonly admitted = new Map<string, Admitted>();

  /**
   * `key`: the HMAC key of the node's gateway threads (default: this one's own); `learned`: told
   * of every entry this thread remembers after a store lookup (started at `lookedUpAt`, monotonicNow),
   * for the other threads to `learn`: a station's first login on each thread would otherwise be an
   * asynchronous upgrade, the case uws-pack 20.0.8 sometimes closes (workers/gateway.ts).
   */
  constructor(
    private readonly port: LoginPort,
    private readonly allowUnknown: boolean,
    private readonly options: { key?: Uint8Array; learned?: (stationId: string, entry: Admitted, lookedUpAt: number) => void } = {},
  ) {
    this.key = options.key ?? randomBytes(32);
  }

  /** Another gateway thread of this node admitted the station (after the last forget: main checks). */
  learn(stationId: string, entry: Admitted): void {
    this.admitted.set(stationId, entry);
  }

  /**
   * Decides from memory alone for a station admitted before; undefined when the store must be
   * asked. Lets the gateway upgrade synchronously on reconnects (no thread round trip).
   */
  admitKnown(stationId: string, authorization: string | undefined, transport: TransportSecurity, remoteAddress: string): AdmitResult | undefined {
    const entry = this.admitted.get(stationId);
    if (!entry) return undefined;
    const weak = transportRefusal(entry.profile, stationId, transport);
    if (weak) return this.fail(stationId, remoteAddress, weak);
    if (!needsPassword(entry.profile) || entry.hash === null) return { ok: true, tenantId: entry.tenantId };
    const credentials = parseBasicAuth(authorization);
    if (!credentials) return refused(NO_CREDENTIALS);
    if (credentials.user !== stationId) return this.fail(stationId, remoteAddress, USER_MISMATCH);
    // A different password may be a new one set in the store: let the slow path decide.
    return timingSafeEqual(this.mac(credentials.password), entry.mac!) ? { ok: true, tenantId: entry.tenantId } : undefined;
  }

  /** Drops what we remember of a station (deleted, or its credentials or profile changed). */
  forget(stationId: string): void {
    this.admitted.delete(stationId);
  }

  async admit(stationId: string, authorization: string | undefined, transport: TransportSecurity, remoteAddress: string): Promise<AdmitResult> {
    const lookedUpAt = monotonicNow();
    const remember = (entry: Admitted) => {
      this.admitted.set(stationId, entry);
      this.options.learned?.(stationId, entry, lookedUpAt);
    };
    const { login, blocked } = await this.port.lookup(stationId, remoteAddress);
    if (!login) {
      if (blocked) return refused(blocked);
      // Not remembered: allow-unknown stations are not in the store until their first boot.
      if (this.allowUnknown) return { ok: true, tenantId: 'default' };
      return this.fail(stationId, remoteAddress, { code: 'unknown-station', reason: 'unknown station' });
    }
    const profile = login.securityProfile;
    const weak = transportRefusal(profile, stationId, transport);
    if (weak) return this.fail(stationId, remoteAddress, weak);
    if (!needsPassword(profile)) {
      // Profile 3: the certificate (checked against the station CAs, CN = id) is the proof; a
      // password guesser cannot lock a station out of it.
      remember({ tenantId: login.tenantId, profile, hash: null });
      this.port.succeeded(stationId);
      return { ok: true, tenantId: login.tenantId };
    }
    if (login.passwordHash === null) {
      if (!this.allowUnknown) return this.fail(stationId, remoteAddress, { code: 'no-password-set', reason: 'station has no password set' });
      remember({ tenantId: login.tenantId, profile, hash: null });
      return { ok: true, tenantId: login.tenantId };
    }
    const credentials = parseBasicAuth(authorization);
    // Not counted: a client may send its credentials only after the 401 challenge.
    if (!credentials) return refused(NO_CREDENTIALS);
    if (credentials.user !== stationId) return this.fail(stationId, remoteAddress, USER_MISMATCH);
    const mac = this.mac(credentials.password);
    const cached = this.admitted.get(stationId);
    if (cached && cached.hash === login.passwordHash && cached.mac && timingSafeEqual(cached.mac, mac)) return { ok: true, tenantId: login.tenantId };
    // Backing off or locked: refused before any scrypt work.
    if (blocked) return refused(blocked);
    if (await verifyPassword(credentials.password, login.passwordHash)) {
      remember({ tenantId: login.tenantId, profile, hash: login.passwordHash, mac });
      this.port.succeeded(stationId, login.previousPasswordHash !== null ? login.passwordHash : undefined);
      return { ok: true, tenantId: login.tenantId };
    }
    // During a rotation the old password works until the first login with the new one; it is
    // never remembered, so each use asks the store again.
    if (login.previousPasswordHash !== null && (await verifyPassword(credentials.password, login.previousPasswordHash))) {
      this.port.succeeded(stationId);
      return { ok: true, tenantId: login.tenantId };
    }
    return this.fail(stationId, remoteAddress, { code: 'wrong-password', reason: 'wrong password' });
  }

  private fail(stationId: string, remoteAddress: string, refusal: Refusal): AdmitResult {
    this.port.failed(stationId, remoteAddress, refusal.code);
    return refused(refusal);
  }

  private mac(password: string): Uint8Array {
    return createHmac('sha256', this.key).update(password).digest();
  }
}
