/**
 * Baseline (a): bare uWebSockets.js, the machine's practical limit. One App per worker
 * thread on the same port (as Switchyard does), a canned CALLRESULT per CALL, no
 * validation. The main thread only serves the shared REST surface and routes REST calls
 * to the thread holding the station. Env: CSMS_OCPP_PORT, CSMS_API_PORT, CSMS_WORKERS.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { startBaselineApi, CallFailed, type StationRouter } from './baseline-api.js';

const ocppPort = Number(process.env.CSMS_OCPP_PORT ?? 8080);
const apiPort = Number(process.env.CSMS_API_PORT ?? 8081);
const threads = Number(process.env.CSMS_WORKERS || os.availableParallelism());
const CALL_TIMEOUT_MS = 30_000;

type FromWorker =
  | { t: 'listening'; ok: boolean }
  | { t: 'open'; id: string; conn: number }
  | { t: 'close'; id: string; conn: number }
  | { t: 'result'; req: number; ok: boolean; payload: unknown };

const where = new Map<string, { worker: Worker; conn: number }>();
const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
let listening = 0;
let nextReq = 0;

const workers = Array.from({ length: threads }, (_, thread) => {
  const worker = new Worker(new URL('./uws-worker.js', import.meta.url), { workerData: { port: ocppPort, thread } });
  worker.on('message', (m: FromWorker) => {
    if (m.t === 'listening') {
      if (!m.ok) throw new Error(`worker ${thread} could not listen on ${ocppPort}`);
      listening++;
    } else if (m.t === 'open') where.set(m.id, { worker, conn: m.conn });
    // A reconnected station's new socket may open before the old one's close arrives.
    else if (m.t === 'close') {
      if (where.get(m.id)?.conn === m.conn) where.delete(m.id);
    } else {
      const w = waiting.get(m.req);
      if (!w) return;
      waiting.delete(m.req);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.payload);
      else w.reject(new CallFailed(502, String(m.payload)));
    }
  });
  return worker;
});

const router: StationRouter = {
  ready: () => listening === threads,
  connectedIds: () => [...where.keys()],
  call(id, action, payload) {
    const at = where.get(id);
    if (!at) return Promise.reject(new CallFailed(404, 'station not connected'));
    const req = ++nextReq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(req);
        reject(new CallFailed(504, 'timeout'));
      }, CALL_TIMEOUT_MS);
      waiting.set(req, { resolve, reject, timer });
      at.worker.postMessage({ t: 'call', req, conn: at.conn, action, payload });
    });
  },
};

const api = startBaselineApi(apiPort, router);
process.on('SIGTERM', () => {
  api.close();
  for (const w of workers) w.postMessage({ t: 'stop' });
  Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r)))).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
});
