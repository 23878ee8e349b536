import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PlugAndChargeConfig } from '../../core/plug-and-charge-config.js';
import type { ContractCertificateProvider, PlugAndChargeServices } from '../../core/ports/plug-and-charge.js';
import { HttpContractProvider } from './http-contract-provider.js';
import { LocalContractProvider, NoContractProvider } from './local-contract-provider.js';
import { HttpOcspClient } from './ocsp-http.js';

/** Every certificate of a PEM bundle. */
export function readPemBundle(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
}

/** The Plug & Charge services the configuration asks for (one set per handler thread). */
export function openPlugAndCharge(config: PlugAndChargeConfig): PlugAndChargeServices {
  const trustedIssuers = config.caFile ? readPemBundle(readFileSync(config.caFile, 'utf8')) : [];
  if (config.caFile && trustedIssuers.length === 0) throw new Error(`CSMS_PNC_CA_FILE ${config.caFile} holds no PEM certificate`);
  let contractCertificates: ContractCertificateProvider;
  switch (config.contractProvider) {
    case 'http':
      contractCertificates = new HttpContractProvider({ url: config.contractProviderUrl!, token: config.contractProviderToken, timeoutMs: config.contractProviderTimeoutMs });
      break;
    case 'local':
      contractCertificates = new LocalContractProvider(config.contractProviderFile!);
      break;
    default:
      contractCertificates = new NoContractProvider();
  }
  return {
    trustedIssuers,
    contractCertificates,
    certificateStatus: new HttpOcspClient({ cacheSec: config.ocspCacheSec, timeoutMs: config.ocspTimeoutMs, trustedIssuers }),
  };
}
