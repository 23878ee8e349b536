/**
 * Baseline (b): a minimal OCPP server on Node's `ws` package, one thread — what a typical
 * Node CSMS does. It parses each CALL and answers a canned CALLRESULT (no validation,
 * no auth, no storage). Env: CSMS_OCPP_PORT, CSMS_API_PORT (same as Switchyard).
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerCall, pickProtocol } from './canned-responses.js';
import { startBaselineApi, CallFailed, type StationRouter } from './baseline-api.js';

const ocppPort = Number(process.env.CSMS_OCPP_PORT ?? 8080);
const apiPort = Number(process.env.CSMS_API_PORT ?? 8081);
const CALL_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}
const stations = new Map<string, WebSocket>();
const pending = new Map<string, Pending>();
let seq = 0;

const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({
  server,
  perMessageDeflate: false,
  handleProtocols: (offered) => pickProtocol([...offered].join(',')) || false,
});

wss.on('connection', (ws, req) => {
  const id = decodeURIComponent((req.url ?? '').replace(/^\/ocpp\//, ''));
  const protocol = ws.protocol;
  stations.set(id, ws);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.charCodeAt(1) === 50 /* "2": a CALL */) {
      const reply = answerCall(text, protocol);
      if (reply) ws.send(reply);
      return;
    }
    const msg = JSON.parse(text) as unknown[];
    const p = pending.get(String(msg[1]));
    if (!p) return;
    pending.delete(String(msg[1]));
    clearTimeout(p.timer);
    if (msg[0] === 3) p.resolve(msg[2]);
    else p.reject(new CallFailed(502, String(msg[2])));
  });
  // Only forget the station if this socket is still the registered one: after a fast
  // reconnect the old socket's close arrives after the new socket's open.
  ws.on('close', () => stations.get(id) === ws && stations.delete(id));
  ws.on('error', () => undefined);
});

const router: StationRouter = {
  ready: () => server.listening,
  connectedIds: () => [...stations.keys()],
  call(id, action, payload) {
    const ws = stations.get(id);
    if (!ws) return Promise.reject(new CallFailed(404, 'station not connected'));
    const msgId = `b${++seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(msgId);
        reject(new CallFailed(504, 'timeout'));
      }, CALL_TIMEOUT_MS);
      pending.set(msgId, { resolve, reject, timer });
      ws.send(JSON.stringify([2, msgId, action, payload]));
    });
  },
};

server.listen(ocppPort, '127.0.0.1');
const api = startBaselineApi(apiPort, router);
process.on('SIGTERM', () => {
  for (const ws of stations.values()) ws.terminate();
  api.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
