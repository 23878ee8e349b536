import type { ContractCertificateAnswer, ContractCertificateProvider, ContractCertificateRequest } from '../../core/ports/plug-and-charge.js';

export interface HttpContractProviderOptions {
  url: string;
  token: string | undefined;
  timeoutMs: number;
}

/**
 * A contract-certificate provider over HTTP (CSMS_CONTRACT_CERT_PROVIDER=http): POSTs the
 * Get15118EVCertificate request as JSON to CSMS_CONTRACT_CERT_URL
 *   { tenantId, stationId, iso15118SchemaVersion, action, exiRequest, maximumContractCertificateChains?, prioritizedEMAIDs? }
 * and expects 200 with
 *   { status: "Accepted", exiResponse, remainingContracts? } or { status: "Failed", reason?, exiResponse? }.
 * Anything else (non-2xx, timeout, another shape) is Failed with the reason. A bridge to a
 * mobility operator's PKI or a V2G clearing house (e.g. Hubject's CCP) sits behind that URL.
 */
export class HttpContractProvider implements ContractCertificateProvider {
  readonly name = 'http';

  constructor(private readonly options: HttpContractProviderOptions) {}

  async get15118EVCertificate(request: ContractCertificateRequest): Promise<ContractCertificateAnswer> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      return { status: 'Failed', reason: `provider unreachable: ${(error as Error).message}` };
    }
    if (!response.ok) return { status: 'Failed', reason: `provider answered HTTP ${response.status}` };
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { status: 'Failed', reason: 'provider answered something other than JSON' };
    }
    return readAnswer(body);
  }
}

/** A provider's JSON answer, checked (shared by the HTTP and local providers). */
export function readAnswer(body: unknown): ContractCertificateAnswer {
  const b = (body ?? {}) as Record<string, unknown>;
  const exi = typeof b.exiResponse === 'string' && /^[A-Za-z0-9+/=\s]*$/.test(b.exiResponse) ? b.exiResponse : undefined;
  if (b.status === 'Accepted' && exi) {
    return { status: 'Accepted', exiResponse: exi, ...(Number.isInteger(b.remainingContracts) && (b.remainingContracts as number) >= 0 ? { remainingContracts: b.remainingContracts as number } : {}) };
  }
  if (b.status === 'Failed') return { status: 'Failed', reason: typeof b.reason === 'string' ? b.reason : 'provider refused', ...(exi ? { exiResponse: exi } : {}) };
  return { status: 'Failed', reason: 'provider answer lacks status Accepted with a base64 exiResponse, or status Failed' };
}
