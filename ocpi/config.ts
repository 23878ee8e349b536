import { integer } from '../core/config.js';

/** OCPI settings (ocpi/, issue #16), read where the node is composed (workers/main.ts). */
export interface OcpiConfig {
  /** CSMS_OCPI_BASE_URL: our OCPI root as partners reach it (default `<API base URL>/ocpi`). */
  baseUrl: string;
  /** CSMS_OCPI_TIMEOUT_MS: one request to a partner (default 10 s). */
  timeoutMs: number;
  /** CSMS_OCPI_RETRY_BASE_MS / CSMS_OCPI_RETRY_MAX_MS: back-off of a partner's failed delivery (1 s doubling to 5 min). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** CSMS_OCPI_TICK_MS: how often the delivery loop looks for due deliveries besides being woken (default 1 s). */
  tickMs: number;
  /** CSMS_OCPI_REALTIME_TIMEOUT_MS: a real-time token authorization at a partner, inside a station's Authorize (default 3 s). */
  realtimeTimeoutMs: number;
  /** CSMS_OCPI_CURRENCY: ISO 4217 currency of sessions and CDRs (default EUR). */
  currency: string;
  /**
   * CSMS_OCPI_LEASE_MS: how long a node holds a partner's delivery queue without renewing it
   * (cluster: one node sends to a partner at a time; another takes over this long after it dies).
   * At least the request timeout plus 1 s; default twice the timeout plus 5 s, at least 30 s.
   */
  leaseMs: number;
  /** CSMS_OCPI_PAGE_LIMIT: the most objects one GET page returns (X-Limit; default 100). */
  pageLimit: number;
  /**
   * The sweep that makes the sessions, CDRs and tariff pushes the live paths missed (ocpi/reconciler.ts):
   * CSMS_OCPI_RECONCILE_SEC how often (default 60 s; 0 turns it off), CSMS_OCPI_RECONCILE_GRACE_SEC
   * how old a transaction write must be before the sweep looks at it (default 60 s),
   * CSMS_OCPI_RECONCILE_LOOKBACK_HOURS how far back a tenant's first sweep reads (default 24 h).
   */
  reconcile: { everyMs: number; graceMs: number; lookbackMs: number };
  /**
   * CSMS_OCPI_ACTIVE_PROFILE_DEBOUNCE_MS: a station's charging-limit changes gathered this long
   * before its roaming sessions' new active charging profiles are asked for and pushed (default 2 s).
   */
  activeProfileDebounceMs: number;
}

export function loadOcpiConfig(env: Record<string, string | undefined>, apiBaseUrl: string): OcpiConfig {
  const base = (env.CSMS_OCPI_BASE_URL?.trim() || `${apiBaseUrl}/ocpi`).replace(/\/+$/, '');
  const timeoutMs = integer(env, 'CSMS_OCPI_TIMEOUT_MS', 10_000, 10, 600_000);
  return {
    baseUrl: base,
    timeoutMs,
    leaseMs: Math.max(timeoutMs + 1000, integer(env, 'CSMS_OCPI_LEASE_MS', Math.max(30_000, 2 * timeoutMs + 5000), 1000, 3_600_000)),
    retryBaseMs: integer(env, 'CSMS_OCPI_RETRY_BASE_MS', 1000, 1, 3_600_000),
    retryMaxMs: integer(env, 'CSMS_OCPI_RETRY_MAX_MS', 300_000, 1, 86_400_000),
    tickMs: integer(env, 'CSMS_OCPI_TICK_MS', 1000, 10, 3_600_000),
    realtimeTimeoutMs: integer(env, 'CSMS_OCPI_REALTIME_TIMEOUT_MS', 3000, 10, 60_000),
    currency: (env.CSMS_OCPI_CURRENCY?.trim() || 'EUR').toUpperCase().slice(0, 3),
    pageLimit: integer(env, 'CSMS_OCPI_PAGE_LIMIT', 100, 1, 10_000),
    reconcile: {
      everyMs: integer(env, 'CSMS_OCPI_RECONCILE_SEC', 60, 0, 86_400) * 1000,
      graceMs: integer(env, 'CSMS_OCPI_RECONCILE_GRACE_SEC', 60, 1, 86_400) * 1000,
      lookbackMs: integer(env, 'CSMS_OCPI_RECONCILE_LOOKBACK_HOURS', 24, 1, 24 * 90) * 3_600_000,
    },
    activeProfileDebounceMs: integer(env, 'CSMS_OCPI_ACTIVE_PROFILE_DEBOUNCE_MS', 2000, 0, 600_000),
  };
}
