import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ContractCertificateAnswer, ContractCertificateProvider, ContractCertificateRequest } from '../../core/ports/plug-and-charge.js';
import { readAnswer } from './http-contract-provider.js';

/**
 * A local contract-certificate provider (CSMS_CONTRACT_CERT_PROVIDER=local) for tests and labs:
 * answers from a JSON file (CSMS_CONTRACT_CERT_FILE), read at start-up, keyed by the SHA-256
 * (hex) of the base64 exiRequest text, or `"*"` for any request:
 *   { "<sha256 hex of exiRequest>": { "status": "Accepted", "exiResponse": "<base64>" }, "*": { "status": "Failed" } }
 * It does no EXI and no signing: it replays what an operator's PKI answered, so a station's
 * ISO 15118 stack can be exercised end to end without one.
 */
export class LocalContractProvider implements ContractCertificateProvider {
  readonly name = 'local';
  private readonly answers: Record<string, unknown>;

  constructor(source: string | Record<string, unknown>) {
    this.answers = typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as Record<string, unknown>) : source;
  }

  async get15118EVCertificate(request: ContractCertificateRequest): Promise<ContractCertificateAnswer> {
    const key = createHash('sha256').update(request.exiRequest).digest('hex');
    const answer = this.answers[key] ?? this.answers['*'];
    if (answer === undefined) return { status: 'Failed', reason: 'no answer for this exiRequest in the local provider' };
    return readAnswer(answer);
  }
}

/** No provider configured: every request fails, with that reason. */
export class NoContractProvider implements ContractCertificateProvider {
  readonly name = 'none';
  async get15118EVCertificate(): Promise<ContractCertificateAnswer> {
    return { status: 'Failed', reason: 'no contract-certificate provider configured (CSMS_CONTRACT_CERT_PROVIDER)' };
  }
}
