/** Tiny JSON-over-HTTP client with keep-alive, for the CSMS's REST API. */
import http from 'node:http';

export interface RestResponse {
  status: number;
  body: unknown;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let bearer: string | undefined;

/** API key sent as `Authorization: Bearer …` with every request (Switchyard needs one). */
export function setApiKey(key: string | undefined): void {
  bearer = key;
}

/**
 * One HTTP request. A request that fails with ECONNRESET on a reused keep-alive socket is
 * retried once: the server closed that idle socket just as we picked it (Node's documented
 * race, `req.reusedSocket`), which says nothing about the server's health.
 */
export async function request(method: string, url: string, body?: unknown, timeoutMs = 10_000): Promise<RestResponse> {
  try {
    return await requestOnce(method, url, body, timeoutMs);
  } catch (err) {
    if ((err as { reusedSocket?: boolean }).reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
      return requestOnce(method, url, body, timeoutMs);
    }
    throw err;
  }
}

function requestOnce(method: string, url: string, body: unknown, timeoutMs: number): Promise<RestResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (e.g. /metrics): keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(data);
  });
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function forEachLimited<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}
