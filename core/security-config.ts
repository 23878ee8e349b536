import { ConfigError, integer, type Env } from './config.js';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottleSettings } from './login-throttle.js';
import { loadTlsOffloadConfig, type TlsOffloadConfig } from './tls-offload.js';

/** TLS listener for security profiles 2 and 3 (unset port: plain ws:// only). */
export interface TlsListenerConfig {
  /** CSMS_OCPP_TLS_PORT */
  port: number;
  /** CSMS_TLS_CERT_FILE: the server certificate (PEM, chain after it). */
  certFile: string;
  /** CSMS_TLS_KEY_FILE: its private key (PEM). */
  keyFile: string;
  /** CSMS_TLS_KEY_PASSPHRASE */
  passphrase: string | undefined;
  /** CSMS_TLS_STATION_CA_FILE: CA certificate(s) station client certificates must chain to; unset: no profile 3. */
  stationCaFile: string | undefined;
  /** CSMS_TLS_CRL_FILE: revocation lists (PEM) of the station CAs; checked at every profile 3 login. */
  crlFile: string | undefined;
  /** CSMS_TLS_CIPHERS: TLS 1.2 cipher list (OpenSSL syntax); TLS 1.3 suites are OpenSSL's defaults. */
  ciphers: string;
}

/**
 * What reloading the TLS files (SIGHUP, POST /admin/tls/reload) did on one node: `reloaded` when
 * every gateway thread now judges new connections by the files read again; otherwise `error` says
 * why and the threads that failed (`failed`) keep the previous certificates.
 */
export interface TlsReloadResult {
  reloaded: boolean;
  threads: number;
  failed: number;
  error?: string;
}

export interface SecurityConfig {
  tls: TlsListenerConfig | undefined;
  loginThrottle: LoginThrottleSettings;
  /** TLS terminated by a reverse proxy in front of the plain listener (CSMS_TRUSTED_PROXIES; core/tls-offload.ts). */
  offload: TlsOffloadConfig | undefined;
}

/**
 * The TLS 1.2 cipher suites OCPP 2.0.1 lists (Part 2 A00.FR.318/319: ECDHE with AES-GCM; the
 * RSA key exchange ones for stations that have no ECDSA key).
 */
export const OCPP_TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

export function loadSecurityConfig(env: Env, plainPort: number): SecurityConfig {
  const file = (name: string) => env[name]?.trim() || undefined;
  let tls: TlsListenerConfig | undefined;
  if (env.CSMS_OCPP_TLS_PORT?.trim()) {
    const port = integer(env, 'CSMS_OCPP_TLS_PORT', 0, 1, 65535);
    if (port === plainPort) throw new ConfigError(`CSMS_OCPP_TLS_PORT and CSMS_OCPP_PORT must differ (both ${port})`);
    const certFile = file('CSMS_TLS_CERT_FILE');
    const keyFile = file('CSMS_TLS_KEY_FILE');
    if (!certFile || !keyFile) throw new ConfigError('CSMS_OCPP_TLS_PORT needs CSMS_TLS_CERT_FILE and CSMS_TLS_KEY_FILE (PEM)');
    if (file('CSMS_TLS_CRL_FILE') && !file('CSMS_TLS_STATION_CA_FILE')) throw new ConfigError('CSMS_TLS_CRL_FILE needs CSMS_TLS_STATION_CA_FILE (the CAs whose lists they are)');
    tls = {
      port,
      certFile,
      keyFile,
      passphrase: env.CSMS_TLS_KEY_PASSPHRASE || undefined,
      stationCaFile: file('CSMS_TLS_STATION_CA_FILE'),
      crlFile: file('CSMS_TLS_CRL_FILE'),
      ciphers: env.CSMS_TLS_CIPHERS?.trim() || OCPP_TLS12_CIPHERS,
    };
  }
  const d = DEFAULT_LOGIN_THROTTLE;
  const loginThrottle: LoginThrottleSettings = {
    freeFailures: integer(env, 'CSMS_LOGIN_FREE_FAILURES', d.freeFailures, 1, 1000),
    addressFreeIds: integer(env, 'CSMS_LOGIN_ADDRESS_FREE_IDS', d.addressFreeIds, 1, 10_000),
    baseDelayMs: integer(env, 'CSMS_LOGIN_BACKOFF_MS', d.baseDelayMs, 1, 3_600_000),
    maxDelayMs: integer(env, 'CSMS_LOGIN_BACKOFF_MAX_MS', d.maxDelayMs, 1, 86_400_000),
    lockAfter: integer(env, 'CSMS_LOGIN_LOCK_AFTER', d.lockAfter, 1, 100_000),
    lockMs: integer(env, 'CSMS_LOGIN_LOCK_MS', d.lockMs, 1, 86_400_000),
    maxKeys: d.maxKeys,
  };
  return { tls, loginThrottle, offload: loadTlsOffloadConfig(env) };
}
