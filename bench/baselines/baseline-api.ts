/**
 * The small REST surface both baselines share with Switchyard's API, so every scenario
 * (including `commands` and the reconnect probe) runs unchanged against them:
 * GET /health, GET /metrics, GET /stations, POST /stations (accepted, not stored),
 * POST /stations/{id}/ocpp/{Action} → { result } from the station.
 */
import http from 'node:http';

export interface StationRouter {
  connectedIds(): string[];
  /** Resolves with the station's CALLRESULT payload; rejects with an error code. */
  call(id: string, action: string, payload: unknown): Promise<unknown>;
  ready(): boolean;
}

export class CallFailed extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(code);
  }
}

export function startBaselineApi(port: number, router: StationRouter): http.Server {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && url === '/health') return router.ready() ? send(200, { status: 'ok' }) : send(503, { status: 'starting' });
      if (req.method === 'GET' && url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(`baseline_connected_stations ${router.connectedIds().length}\n`);
      }
      if (req.method === 'GET' && url === '/stations') return send(200, router.connectedIds().map((id) => ({ id, connected: true })));
      if (req.method === 'POST' && url === '/stations') return send(201, {});
      const m = /^\/stations\/([^/]+)\/ocpp\/([A-Za-z]+)$/.exec(url);
      if (req.method === 'POST' && m) {
        let payload: unknown = {};
        try {
          payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
        } catch {
          return send(400, { error: 'invalid JSON' });
        }
        router.call(decodeURIComponent(m[1]), m[2], payload).then(
          (result) => send(200, { result }),
          (err: unknown) => send(err instanceof CallFailed ? err.status : 500, { error: String((err as Error).message) }),
        );
        return;
      }
      send(404, { error: 'not found' });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  return server;
}
