/**
 * One worker thread of the uWebSockets baseline: its own App listening on the shared
 * OCPP port (the kernel spreads connections over threads with SO_REUSEPORT), answering
 * each CALL with a canned CALLRESULT. Station→thread routing for REST calls is kept by
 * the main thread (uws-server.ts) from the open/close messages posted here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { App, us_listen_socket_close, type WebSocket, type us_listen_socket } from 'uws-pack';
import { answerCall, pickProtocol } from './canned-responses.js';

interface Conn {
  id: string;
  protocol: string;
  conn: number;
}
type ToWorker = { t: 'call'; req: number; conn: number; action: string; payload: unknown } | { t: 'stop' };

const port = (workerData as { port: number }).port;
const decoder = new TextDecoder();
const sockets = new Map<number, WebSocket<Conn>>();
const pending = new Map<string, number>(); // CALL message id → API request id
let nextConn = (workerData as { thread: number }).thread * 1e9;
let listenSocket: us_listen_socket | false = false;
let seq = 0;

App()
  .ws<Conn>('/ocpp/:id', {
    compression: 0,
    maxPayloadLength: 64 * 1024,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const id = decodeURIComponent(req.getParameter(0) ?? '');
      const protocol = pickProtocol(req.getHeader('sec-websocket-protocol'));
      res.upgrade<Conn>(
        { id, protocol, conn: ++nextConn },
        req.getHeader('sec-websocket-key'),
        protocol,
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      const d = ws.getUserData();
      sockets.set(d.conn, ws);
      parentPort?.postMessage({ t: 'open', id: d.id, conn: d.conn });
    },
    message: (ws, data) => {
      const text = decoder.decode(data);
      if (text.charCodeAt(1) === 50 /* "2": a CALL */) {
        const reply = answerCall(text, ws.getUserData().protocol);
        if (reply) ws.send(reply);
        return;
      }
      const msg = JSON.parse(text) as unknown[];
      const req = pending.get(String(msg[1]));
      if (req === undefined) return;
      pending.delete(String(msg[1]));
      parentPort?.postMessage({ t: 'result', req, ok: msg[0] === 3, payload: msg[2] });
    },
    close: (ws) => {
      const d = ws.getUserData();
      sockets.delete(d.conn);
      parentPort?.postMessage({ t: 'close', id: d.id, conn: d.conn });
    },
  })
  .listen(port, (s) => {
    listenSocket = s;
    parentPort?.postMessage({ t: 'listening', ok: Boolean(s) });
  });

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.t === 'call') {
    const ws = sockets.get(msg.conn);
    if (!ws) return parentPort?.postMessage({ t: 'result', req: msg.req, ok: false, payload: 'station not connected' });
    const id = `b${++seq}`;
    pending.set(id, msg.req);
    ws.send(JSON.stringify([2, id, msg.action, msg.payload]));
    return;
  }
  // uWS requires every socket closed before the thread exits, or Node aborts.
  if (listenSocket) us_listen_socket_close(listenSocket);
  for (const ws of sockets.values()) ws.end(1001);
  sockets.clear();
  parentPort?.close();
});
