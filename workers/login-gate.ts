import type { StationStore } from '../core/ports/store/store.js';
import { LoginThrottle, type LoginThrottleSettings } from '../core/login-throttle.js';
import type { RefusalCode } from '../core/security-profile.js';
import type { LoginLookup } from './station-auth.js';

/** Refusals that say nothing about guessing (a client that sends credentials only after the 401). */
const NOT_COUNTED: ReadonlySet<RefusalCode> = new Set(['no-credentials', 'locked', 'rate-limited']);

/**
 * The handler thread's side of station logins, one per node, so every gateway thread shares one
 * failed-login record (the kernel spreads an attacker's connections over all of them): the store
 * lookup, the throttle, and ending a rotation's old password at the first login with the new one.
 */
export class LoginGate {
  private readonly throttle: LoginThrottle;
  private readonly sweeper: NodeJS.Timeout;
  /** Told once a rotation's previous password has ended, so other threads and nodes forget what they remember. */
  onLoginChanged: ((stationId: string) => void) | undefined;

  constructor(
    private readonly stations: Pick<StationStore, 'findStationLogin' | 'confirmPassword'>,
    settings: LoginThrottleSettings,
    private readonly log: { info(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void },
    private readonly clock: () => number = Date.now,
  ) {
    this.throttle = new LoginThrottle(settings);
    this.sweeper = setInterval(() => this.throttle.sweep(this.clock()), 60_000).unref();
  }

  async lookup(stationId: string, remoteAddress: string): Promise<LoginLookup> {
    const blocked = this.throttle.blocked(stationId, remoteAddress, this.clock());
    const login = await this.stations.findStationLogin(stationId);
    return blocked ? { login, blocked: { code: blocked.code, reason: `${blocked.reason}, retry in ${Math.ceil(blocked.retryAfterMs / 1000)} s` } } : { login };
  }

  failed(stationId: string, remoteAddress: string, code: RefusalCode): void {
    if (NOT_COUNTED.has(code)) return;
    this.throttle.failed(stationId, remoteAddress, this.clock());
    if (this.throttle.blocked(stationId, remoteAddress, this.clock())?.code === 'locked') {
      this.log.info({ stationId, remoteAddress, reason: code }, 'station id locked after failed logins');
    }
  }

  succeeded(stationId: string, confirm: string | undefined): void {
    this.throttle.succeeded(stationId);
    if (confirm === undefined) return;
    this.stations.confirmPassword(stationId, confirm).then(
      () => {
        this.log.info({ stationId }, 'station logged in with its new password: the previous one no longer works');
        this.onLoginChanged?.(stationId);
      },
      (error: unknown) => this.log.error({ err: error, stationId }, 'could not end the previous password'),
    );
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
