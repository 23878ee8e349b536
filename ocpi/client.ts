import { randomUUID } from 'node:crypto';
import { encodeCredentialsToken } from '../core/ocpi/roaming.js';
import type { OcpiResponse } from '../core/ocpi/types.js';

/** What one request to a partner got: the HTTP status and the envelope, or why there is none. */
export interface PartnerAnswer {
  ok: boolean;
  httpStatus: number | null;
  body: OcpiResponse | null;
  /** Network error, timeout, non-JSON body, or the OCPI status_code of a refusal. */
  error: string | null;
  ms: number;
}

/**
 * One OCPI request to a partner (§4.1): `Authorization: Token <base64>`, a fresh X-Request-ID and
 * the given X-Correlation-ID. ok = HTTP 2xx with an envelope whose status_code is 1xxx. Never throws.
 */
export async function callPartner(
  method: string,
  url: string,
  token: string,
  options: { body?: unknown; timeoutMs: number; correlationId?: string; from?: { countryCode: string; partyId: string } },
): Promise<PartnerAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = {
    authorization: encodeCredentialsToken(token),
    'x-request-id': randomUUID(),
    'x-correlation-id': options.correlationId ?? randomUUID(),
  };
  if (options.from) {
    headers['ocpi-from-country-code'] = options.from.countryCode;
    headers['ocpi-from-party-id'] = options.from.partyId;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    let body: OcpiResponse | null = null;
    try {
      body = text ? (JSON.parse(text) as OcpiResponse) : null;
    } catch {
      return { ok: false, httpStatus: response.status, body: null, error: 'response is not JSON', ms: ms() };
    }
    const code = typeof body?.status_code === 'number' ? body.status_code : null;
    if (!response.ok) return { ok: false, httpStatus: response.status, body, error: `HTTP ${response.status}${code !== null ? ` (OCPI ${code})` : ''}`, ms: ms() };
    if (code === null || code < 1000 || code > 1999) return { ok: false, httpStatus: response.status, body, error: `OCPI status ${code ?? 'missing'}`, ms: ms() };
    return { ok: true, httpStatus: response.status, body, error: null, ms: ms() };
  } catch (error) {
    const name = (error as Error).name;
    return { ok: false, httpStatus: null, body: null, error: name === 'TimeoutError' ? `timeout after ${options.timeoutMs} ms` : `network: ${(error as Error).message}`, ms: ms() };
  }
}
