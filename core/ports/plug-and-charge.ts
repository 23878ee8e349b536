import type { X509Certificate } from 'node:crypto';
import type { OcspFailure, OcspRequestData, OcspVerdict } from '../ocsp.js';

/**
 * What ISO 15118 Plug & Charge needs outside the CSMS: OCSP responders (certificate status) and a
 * contract-certificate provider (a mobility operator's PKI or a V2G root's clearing house).
 * Implementations in adapters/pki/; handlers reach them through HandlerContext.pnc.
 */

/** One OCSP lookup's outcome; never a thrown error. */
export type CertificateStatusOutcome =
  | { ok: true; verdict: OcspVerdict; /** The DER OCSPResponse, base64 (OCPP's ocspResult). */ ocspResult: string; cached: boolean }
  | { ok: false; reason: OcspFailure; message: string };

export interface CertificateStatusService {
  /** The status of the certificate `request` names, from its responder (or the cache). */
  check(request: OcspRequestData, options?: { issuers?: readonly X509Certificate[] }): Promise<CertificateStatusOutcome>;
}

/** Get15118EVCertificate (OCPP 2.x M02/M03), as the provider gets it. */
export interface ContractCertificateRequest {
  tenantId: string;
  stationId: string;
  iso15118SchemaVersion: string;
  action: 'Install' | 'Update';
  /** Base64 EXI CertificateInstallationReq / CertificateUpdateReq, passed through untouched. */
  exiRequest: string;
  /** 2.1, ISO 15118-20 only. */
  maximumContractCertificateChains?: number;
  prioritizedEMAIDs?: string[];
}

export type ContractCertificateAnswer =
  | { status: 'Accepted'; exiResponse: string; remainingContracts?: number }
  | { status: 'Failed'; reason: string; /** Some providers return an EXI response carrying the failure. */ exiResponse?: string };

export interface ContractCertificateProvider {
  readonly name: string;
  /** Never throws: a provider fault is a Failed answer with its reason. */
  get15118EVCertificate(request: ContractCertificateRequest): Promise<ContractCertificateAnswer>;
}

export interface PlugAndChargeServices {
  certificateStatus: CertificateStatusService;
  contractCertificates: ContractCertificateProvider;
  /** Configured V2G / mobility-operator CA certificates (CSMS_PNC_CA_FILE): issuers OCSP answers are checked against. */
  trustedIssuers: readonly X509Certificate[];
}
