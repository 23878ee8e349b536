import { ConfigError, integer, type Env } from './config.js';

/**
 * The station certificate authority and certificate renewal (issue #14). Three ways to sign:
 * - built in (default): the CA key and certificate are generated on first start into
 *   `<data dir>/ca/` (`station-ca.key`, `station-ca.pem`) and reused after;
 * - built in from your files: CSMS_CA_CERT_FILE + CSMS_CA_KEY_FILE (PEM; an intermediate of your PKI);
 * - external (CSMS_CA_SIGN_URL): the CSR is POSTed to your PKI, which answers the chain (README).
 * V2G (SECC) certificates have their own sub-CA: see `v2g`.
 */
export interface CertificateConfig {
  ca:
    | { kind: 'builtin'; certFile: string | undefined; keyFile: string | undefined }
    | { kind: 'external'; url: string; authorization: string | undefined; timeoutMs: number };
  /**
   * The V2G (ISO 15118-2 SECC) sub-CA that signs V2GCertificate CSRs:
   * - files: CSMS_V2G_CA_CERT_FILE (the CPO sub-CA certificate, then any further sub-CAs up to but
   *   without the V2G root; EC P-256) + CSMS_V2G_CA_KEY_FILE; works with either station CA;
   * - builtin (default with the built-in station CA): a private V2G root and a CPO sub-CA under it,
   *   EC P-256, generated on first start into `<data dir>/ca/` (v2g-root.*, v2g-sub-ca.*);
   * - none (external station CA without the files): V2G CSRs are refused (`no-v2g-ca`).
   */
  v2g: { kind: 'files'; certFile: string; keyFile: string } | { kind: 'builtin' } | { kind: 'none' };
  /** CSMS_V2G_CERT_VALIDITY_DAYS: validity of the SECC certificates we sign (ISO 15118-2 suggests 2-3 months). */
  v2gValidityDays: number;
  /** CSMS_CERT_ORGANIZATION: the subject O a station's CSR (station or SECC) must carry; unset: not checked. */
  organization: string | undefined;
  /** CSMS_CERT_VALIDITY_DAYS: validity of the certificates the built-in CA issues. */
  validityDays: number;
  /** CSMS_CERT_RENEWAL_DAYS: certificates we signed that expire within this many days are renewed. */
  renewalWindowDays: number;
  /** CSMS_CERT_RENEWAL_TICK_SEC: how often the renewal job looks (0: never). */
  renewalTickSec: number;
  /** CSMS_CERT_RENEWAL_BATCH: at most this many stations asked per tick (the fleet is renewed at that pace). */
  renewalBatch: number;
  /** CSMS_CERT_RENEWAL_RETRY_SEC: a renewal that failed or was not followed by a CSR is asked again after this long. */
  renewalRetrySec: number;
}

export function loadCertificateConfig(env: Env): CertificateConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const url = text('CSMS_CA_SIGN_URL');
  const certFile = text('CSMS_CA_CERT_FILE');
  const keyFile = text('CSMS_CA_KEY_FILE');
  if (url && (certFile || keyFile)) throw new ConfigError('CSMS_CA_SIGN_URL (external CA) and CSMS_CA_CERT_FILE / CSMS_CA_KEY_FILE (built-in CA) exclude each other');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new ConfigError('CSMS_CA_CERT_FILE and CSMS_CA_KEY_FILE go together');
  if (url && !/^https?:\/\//.test(url)) throw new ConfigError(`CSMS_CA_SIGN_URL must be an http(s) URL, got '${url}'`);
  const v2gCertFile = text('CSMS_V2G_CA_CERT_FILE');
  const v2gKeyFile = text('CSMS_V2G_CA_KEY_FILE');
  if (Boolean(v2gCertFile) !== Boolean(v2gKeyFile)) throw new ConfigError('CSMS_V2G_CA_CERT_FILE and CSMS_V2G_CA_KEY_FILE go together');
  const v2g: CertificateConfig['v2g'] =
    v2gCertFile && v2gKeyFile ? { kind: 'files', certFile: v2gCertFile, keyFile: v2gKeyFile } : url ? { kind: 'none' } : { kind: 'builtin' };
  return {
    ca: url
      ? { kind: 'external', url, authorization: text('CSMS_CA_SIGN_AUTHORIZATION'), timeoutMs: integer(env, 'CSMS_CA_SIGN_TIMEOUT_MS', 10_000, 100, 300_000) }
      : { kind: 'builtin', certFile, keyFile },
    v2g,
    v2gValidityDays: integer(env, 'CSMS_V2G_CERT_VALIDITY_DAYS', 60, 1, 3650),
    organization: text('CSMS_CERT_ORGANIZATION'),
    validityDays: integer(env, 'CSMS_CERT_VALIDITY_DAYS', 365, 1, 3650),
    renewalWindowDays: integer(env, 'CSMS_CERT_RENEWAL_DAYS', 30, 1, 3650),
    renewalTickSec: integer(env, 'CSMS_CERT_RENEWAL_TICK_SEC', 3600, 0, 604_800),
    renewalBatch: integer(env, 'CSMS_CERT_RENEWAL_BATCH', 50, 1, 100_000),
    renewalRetrySec: integer(env, 'CSMS_CERT_RENEWAL_RETRY_SEC', 86_400, 1, 2_592_000),
  };
}
