import { ConfigError, integer, oneOf, type Env } from './config.js';

/** ISO 15118 Plug & Charge: OCSP lookups and the contract-certificate provider (read once at start-up). */
export interface PlugAndChargeConfig {
  /**
   * CSMS_OCSP_CACHE_SEC: how long an OCSP answer is reused for the same certificate (default 300;
   * never past the response's own nextUpdate; 0: no cache).
   */
  ocspCacheSec: number;
  /** CSMS_OCSP_TIMEOUT_MS: one OCSP HTTP exchange at most (default 5000). */
  ocspTimeoutMs: number;
  /**
   * CSMS_PNC_CA_FILE: PEM bundle of V2G root / mobility-operator CA certificates. OCSP answers
   * signed by a delegated responder are trusted for decisions (Authorize) only when the issuer
   * is in here (or in the chain the station sent); contract chains are checked up to these roots.
   */
  caFile: string | undefined;
  /** CSMS_CONTRACT_CERT_PROVIDER: `none` (default: Get15118EVCertificate answers Failed), `http`, or `local`. */
  contractProvider: 'none' | 'http' | 'local';
  /** CSMS_CONTRACT_CERT_URL: the HTTP provider's endpoint (POST, JSON). */
  contractProviderUrl: string | undefined;
  /** CSMS_CONTRACT_CERT_TOKEN: sent as `Authorization: Bearer …` to the HTTP provider. */
  contractProviderToken: string | undefined;
  /** CSMS_CONTRACT_CERT_TIMEOUT_MS (default 10000). */
  contractProviderTimeoutMs: number;
  /** CSMS_CONTRACT_CERT_FILE: the local provider's JSON file (see adapters/pki/local-contract-provider.ts). */
  contractProviderFile: string | undefined;
}

export function loadPlugAndChargeConfig(env: Env): PlugAndChargeConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const config: PlugAndChargeConfig = {
    ocspCacheSec: integer(env, 'CSMS_OCSP_CACHE_SEC', 300, 0, 7 * 86_400),
    ocspTimeoutMs: integer(env, 'CSMS_OCSP_TIMEOUT_MS', 5000, 100, 120_000),
    caFile: text('CSMS_PNC_CA_FILE'),
    contractProvider: oneOf(env, 'CSMS_CONTRACT_CERT_PROVIDER', 'none', ['none', 'http', 'local']) as PlugAndChargeConfig['contractProvider'],
    contractProviderUrl: text('CSMS_CONTRACT_CERT_URL'),
    contractProviderToken: text('CSMS_CONTRACT_CERT_TOKEN'),
    contractProviderTimeoutMs: integer(env, 'CSMS_CONTRACT_CERT_TIMEOUT_MS', 10_000, 100, 300_000),
    contractProviderFile: text('CSMS_CONTRACT_CERT_FILE'),
  };
  if (config.contractProvider === 'http' && !/^https?:\/\/[^/]+/.test(config.contractProviderUrl ?? '')) {
    throw new ConfigError('CSMS_CONTRACT_CERT_PROVIDER=http needs CSMS_CONTRACT_CERT_URL (an http(s) URL)');
  }
  if (config.contractProvider === 'local' && !config.contractProviderFile) {
    throw new ConfigError('CSMS_CONTRACT_CERT_PROVIDER=local needs CSMS_CONTRACT_CERT_FILE (a JSON file)');
  }
  return config;
}
