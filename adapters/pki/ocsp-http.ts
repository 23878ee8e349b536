import type { X509Certificate } from 'node:crypto';
import { checkOcspResponse, normalizeHex, ocspRequestDer, OcspError, type OcspRequestData, type OcspVerdict } from '../../core/ocsp.js';
import type { CertificateStatusOutcome, CertificateStatusService } from '../../core/ports/plug-and-charge.js';

export interface OcspHttpOptions {
  /** Answers are reused this long (never past their nextUpdate); 0: no cache. */
  cacheSec: number;
  timeoutMs: number;
  /** Issuers a delegated responder is checked against (CSMS_PNC_CA_FILE). */
  trustedIssuers: readonly X509Certificate[];
  clock?: () => Date;
  /** Entries kept at most (oldest dropped first). */
  maxEntries?: number;
}

/** Largest OCSP response read (a response with a few certificates is 2–4 KB). */
const MAX_RESPONSE_BYTES = 64 * 1024;

interface Cached {
  der: Buffer;
  until: number;
}

/**
 * OCSP over HTTP (RFC 6960 appendix A: POST application/ocsp-request) with a cache of answers
 * per certificate and responder. Concurrent lookups of one certificate share one request. Only
 * http(s) responder URLs are followed (a station names the URL; nothing else is fetched).
 */
export class HttpOcspClient implements CertificateStatusService {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<CertificateStatusOutcome>>();
  private readonly clock: () => Date;

  constructor(private readonly options: OcspHttpOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  check(request: OcspRequestData, options: { issuers?: readonly X509Certificate[] } = {}): Promise<CertificateStatusOutcome> {
    const key = [request.hashAlgorithm, request.issuerNameHash.toUpperCase(), request.issuerKeyHash.toUpperCase(), normalizeHex(request.serialNumber), request.responderURL.toLowerCase()].join('|');
    const issuers = [...this.options.trustedIssuers, ...(options.issuers ?? [])];
    const hit = this.cache.get(key);
    const now = this.clock();
    if (hit && hit.until > now.getTime()) {
      // Checked again (one signature): this caller may know other issuers, and time has passed.
      try {
        const verdict = checkOcspResponse(hit.der, request, now, issuers);
        return Promise.resolve({ ok: true, verdict, ocspResult: hit.der.toString('base64'), cached: true });
      } catch {
        this.cache.delete(key);
      }
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const lookup = this.fetch(key, request, issuers).finally(() => this.pending.delete(key));
    this.pending.set(key, lookup);
    return lookup;
  }

  private async fetch(key: string, request: OcspRequestData, issuers: readonly X509Certificate[]): Promise<CertificateStatusOutcome> {
    try {
      let url: URL;
      try {
        url = new URL(request.responderURL);
      } catch {
        throw new OcspError('unreachable', `responder URL is not a URL: ${request.responderURL}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OcspError('unreachable', `responder URL must be http(s): ${request.responderURL}`);
      const body = ocspRequestDer(request);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
          redirect: 'error',
        });
      } catch (error) {
        throw new OcspError('unreachable', `responder ${url.origin} unreachable: ${(error as Error).message}`);
      }
      if (!response.ok) throw new OcspError('http-status', `responder answered HTTP ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > MAX_RESPONSE_BYTES) throw new OcspError('malformed-response', `response of ${declared} bytes`);
      const der = Buffer.from(await response.arrayBuffer());
      if (der.length > MAX_RESPONSE_BYTES) throw new OcspError('malformed-response', `response of ${der.length} bytes`);
      const now = this.clock();
      const verdict = checkOcspResponse(der, request, now, issuers);
      this.remember(key, verdict, der, now);
      return { ok: true, verdict, ocspResult: der.toString('base64'), cached: false };
    } catch (error) {
      if (error instanceof OcspError) return { ok: false, reason: error.reason, message: error.message };
      return { ok: false, reason: 'malformed-response', message: (error as Error).message };
    }
  }

  private remember(key: string, verdict: OcspVerdict, der: Buffer, now: Date): void {
    if (this.options.cacheSec <= 0) return;
    let until = now.getTime() + this.options.cacheSec * 1000;
    if (verdict.nextUpdate) until = Math.min(until, Date.parse(verdict.nextUpdate));
    if (until <= now.getTime()) return;
    const max = this.options.maxEntries ?? 10_000;
    this.cache.delete(key);
    while (this.cache.size >= max) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { der, until });
  }
}
