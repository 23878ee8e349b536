import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { RPCClient, createValidator } from 'ocpp-rpc';
import WebSocket from 'ws';
import type { TestLike, TestServer } from './server.js';

/**
 * Independent stations for end-to-end tests:
 * - `strictClient`: ocpp-rpc's RPCClient in strict mode, which validates everything the CSMS
 *   sends (and everything it sends itself) against the official schemas;
 * - `RawStation`: a bare `ws` socket for arbitrary bytes and frames;
 * - `rawUpgrade`: a bare HTTP upgrade request, to see refusals and whether the socket closes;
 * - `wsUpgradeStatus`: an upgrade by the `ws` client (wss://, client certificates), its status only.
 */

export type Version = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';
export const VERSIONS: readonly Version[] = ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'];

const require = createRequire(import.meta.url);

interface JsonSchema { $id: string; definitions?: Record<string, Record<string, unknown>>; [key: string]: unknown }

/**
 * ocpp-rpc@2.2.1's 2.1 schemas use `urn:XRequest`/`urn:XResponse` ids but strict mode looks up
 * `urn:X.req`/`urn:X.conf`, so a strict 2.1 client refuses everything (PLATFORM.md). Rename the
 * ids, and drop the stray `additionalProperties` on non-object definitions while at it.
 */
function ocpp21Validator() {
  const raw = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as JsonSchema[];
  const renamed = raw.map((schema) => {
    const $id = schema.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf');
    const definitions = schema.definitions
      ? Object.fromEntries(
          Object.entries(schema.definitions).map(([name, def]) => {
            if (def.type === 'object' || !('additionalProperties' in def)) return [name, def];
            const { additionalProperties: _dropped, ...rest } = def;
            return [name, rest];
          }),
        )
      : undefined;
    return { ...schema, $id, ...(definitions ? { definitions } : {}) };
  });
  return createValidator('ocpp2.1', renamed);
}

let cachedV21: ReturnType<typeof createValidator> | undefined;

export interface StrictClientOptions {
  /** ws://host:port/ocpp */
  endpoint: string;
  identity: string;
  /** Offered subprotocols in preference order; defaults to [version]. */
  protocols: string[];
  password?: string;
  callTimeoutMs?: number;
  /** Passed to `ws` (TLS: `ca`, `cert`, `key`; `localAddress`). */
  wsOpts?: Record<string, unknown>;
}

export type StrictClient = InstanceType<typeof RPCClient>;

/** A strict ocpp-rpc client, not yet connected; no reconnects. Closed on teardown. */
export function strictClient(t: TestLike, options: StrictClientOptions): StrictClient {
  cachedV21 ??= ocpp21Validator();
  const client = new RPCClient({
    endpoint: options.endpoint,
    identity: options.identity,
    password: options.password ?? null,
    protocols: options.protocols,
    strictMode: true,
    strictModeValidators: [cachedV21],
    reconnect: false,
    callTimeoutMs: options.callTimeoutMs ?? 30_000,
    pingIntervalMs: 0,
    respondWithDetailedErrors: false,
    ...(options.wsOpts ? { wsOpts: options.wsOpts } : {}),
  } as any);
  // A 1006 close mid-test is easier to explain with the socket's own error next to it.
  client.on('socketError', (error: Error) => t.comment(`${options.identity}: socket error: ${String(error)}`));
  t.teardown(() => client.close({ force: true }).catch(() => {}));
  return client;
}

/** Connects a strict client for one version and returns it. */
export async function connectStrict(t: TestLike, options: Omit<StrictClientOptions, 'protocols'> & { version: Version }): Promise<StrictClient> {
  const client = strictClient(t, { ...options, protocols: [options.version] });
  await client.connect();
  return client;
}

/** Resolves with the next `close` event of a client ({code, reason}). */
export function nextClose(client: StrictClient): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => client.once('close', (event: { code: number; reason: string }) => resolve(event)));
}

/** A minimal valid BootNotification for each version. */
export function bootPayload(version: Version, extra: { vendor?: string; model?: string; serialNumber?: string; firmwareVersion?: string } = {}): Record<string, unknown> {
  const vendor = extra.vendor ?? 'ACME';
  const model = extra.model ?? 'Roadrunner';
  if (version === 'ocpp1.6') {
    return {
      chargePointVendor: vendor,
      chargePointModel: model,
      ...(extra.serialNumber ? { chargePointSerialNumber: extra.serialNumber } : {}),
      ...(extra.firmwareVersion ? { firmwareVersion: extra.firmwareVersion } : {}),
    };
  }
  return {
    reason: 'PowerUp',
    chargingStation: {
      vendorName: vendor,
      model,
      ...(extra.serialNumber ? { serialNumber: extra.serialNumber } : {}),
      ...(extra.firmwareVersion ? { firmwareVersion: extra.firmwareVersion } : {}),
    },
  };
}

export interface RawStationOptions {
  protocols?: string[];
  /** Basic-auth password; the user is the station id. */
  password?: string;
  headers?: Record<string, string>;
}

type Message = { data: string; binary: boolean };

/** A bare WebSocket station: send any bytes, await replies one by one. */
export class RawStation {
  private readonly inbox: Message[] = [];
  private readonly waiters: Array<(m: Message) => void> = [];
  readonly closed: Promise<{ code: number; reason: string; error?: string }>;
  /** The last socket error, if any (a 1006 close usually has one). */
  error: Error | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      const message = { data: Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'), binary };
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.inbox.push(message);
    });
    ws.on('error', (error) => (this.error = error));
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8'), ...(this.error ? { error: String(this.error) } : {}) })),
    );
  }

  static async open(t: TestLike, endpoint: string, id: string, options: RawStationOptions = {}): Promise<RawStation> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.password !== undefined) {
      headers.authorization = 'Basic ' + Buffer.from(`${id}:${options.password}`).toString('base64');
    }
    const ws = new WebSocket(`${endpoint}/${encodeURIComponent(id)}`, options.protocols ?? ['ocpp1.6'], {
      headers,
      maxPayload: 64 * 1024 * 1024,
    });
    const station = new RawStation(ws);
    t.teardown(() => station.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
    return station;
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  send(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /**
   * Sends several frames in one TCP write, so the server reads them in one go: deterministic
   * "second frame arrives while the first is still being handled" without relying on timing.
   */
  sendTogether(frames: string[]): void {
    const socket = (this.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (const frame of frames) this.ws.send(frame);
    process.nextTick(() => socket.uncork());
  }

  /** The next message's text; rejects after `timeoutMs` or when the socket closes first. */
  next(timeoutMs = 30_000): Promise<string> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued.data);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: Message) => {
        clearTimeout(timer);
        resolve(m.data);
      };
      this.waiters.push(waiter);
      void this.closed.then((closed) => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          clearTimeout(timer);
          reject(new Error(`socket closed (${JSON.stringify(closed)}) while waiting for a message`));
        }
      });
    });
  }

  /** The next message, parsed as an OCPP-J frame (a JSON array). */
  async nextFrame(timeoutMs?: number): Promise<unknown[]> {
    const text = await this.next(timeoutMs);
    const frame = JSON.parse(text) as unknown;
    if (!Array.isArray(frame)) throw new Error(`not an OCPP-J frame: ${text}`);
    return frame;
  }

  /** Sends a CALL and returns the answer frame with the same id. */
  async call(id: string, action: string, payload: unknown): Promise<unknown[]> {
    this.send(JSON.stringify([2, id, action, payload]));
    return this.nextFrame();
  }

  /**
   * A Heartbeat round trip. Its store write travels the same ordered channel as the gateway's
   * 'connected' notice, so afterwards the main thread's registry (and the API) knows this socket.
   */
  async settle(): Promise<void> {
    const id = `settle-${++this.settles}`;
    const answer = await this.call(id, 'Heartbeat', {});
    if (answer[0] !== 3 || answer[1] !== id) throw new Error(`Heartbeat not answered: ${JSON.stringify(answer)}`);
  }

  private settles = 0;

  /** True when no message arrives within `ms` (only for asserting silence). */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(code = 1000): void {
    this.ws.close(code);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export interface UpgradeOutcome {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Whether the server closed the TCP connection after refusing (nothing left open). */
  socketClosed: boolean;
  /** The negotiated subprotocol when status is 101. */
  protocol?: string;
}

/**
 * A raw HTTP upgrade request written on a bare TCP socket (no HTTP client that could close the
 * connection itself), to observe refusals exactly and whether the server closes the connection.
 */
export function rawUpgrade(
  port: number,
  path: string,
  options: { protocols?: string; authorization?: string; closeWaitMs?: number; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<UpgradeOutcome> {
  return new Promise((resolve, reject) => {
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}`,
    ];
    if (options.protocols !== undefined) lines.push(`Sec-WebSocket-Protocol: ${options.protocols}`);
    if (options.authorization !== undefined) lines.push(`Authorization: ${options.authorization}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`${name}: ${value}`);
    const socket = connect({ host: '127.0.0.1', port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    let raw = '';
    let settled = false;
    const finish = (socketClosed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const headEnd = raw.indexOf('\r\n\r\n');
      const head = headEnd >= 0 ? raw.slice(0, headEnd) : raw;
      const body = headEnd >= 0 ? raw.slice(headEnd + 4) : '';
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers, body, socketClosed, protocol: headers['sec-websocket-protocol'] });
    };
    // A 101 leaves the socket open by design: stop as soon as the head is complete.
    const timer = setTimeout(() => finish(false), options.closeWaitMs ?? 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      raw += chunk;
      if (raw.startsWith('HTTP/1.1 101') && raw.includes('\r\n\r\n')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (settled ? undefined : raw ? finish(true) : reject(error)));
    socket.write(lines.join('\r\n') + '\r\n\r\n');
  });
}

/**
 * The outcome of a WebSocket upgrade by the `ws` client: the HTTP status (101 = accepted), or
 * `tls: <message>` when the connection failed before any HTTP answer (on wss://, the TLS handshake).
 * Basic auth as `user` (default: the station id at the end of the URL) when a password is given.
 */
export function wsUpgradeStatus(
  url: string,
  protocol: string,
  options: { ca?: Buffer; cert?: Buffer; key?: Buffer; password?: string; user?: string; localAddress?: string } = {},
): Promise<string | number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (options.password) headers.authorization = basic(options.user ?? url.split('/').pop()!, options.password);
    const ws = new WebSocket(url, protocol, {
      headers,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert, key: options.key } : {}),
    });
    let settled = false;
    const done = (value: string | number) => {
      if (settled) return;
      settled = true;
      resolve(value);
      ws.terminate();
    };
    ws.on('open', () => done(101));
    ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
    ws.on('error', (error) => done(`tls: ${error.message}`));
  });
}

/**
 * Answers the CSMS's password call like a station (1.6: ChangeConfiguration AuthorizationKey;
 * 2.0.1: SetVariables SecurityCtrlr.BasicAuthPassword) with `status`, and collects the passwords
 * it was given, in order: the last is the one the station would log in with from now on.
 */
export function takePasswords(client: StrictClient, version: Version, status = 'Accepted'): string[] {
  const received: string[] = [];
  if (version === 'ocpp1.6') {
    client.handle('ChangeConfiguration', async ({ params }: any) => {
      if (params.key === 'AuthorizationKey') received.push(Buffer.from(params.value, 'hex').toString('utf8'));
      return { status };
    });
  } else {
    type Data = { component: { name: string }; variable: { name: string }; attributeValue: string };
    client.handle('SetVariables', async ({ params }: any) => {
      const data = (params as { setVariableData: Data[] }).setVariableData;
      for (const d of data) if (d.component.name === 'SecurityCtrlr' && d.variable.name === 'BasicAuthPassword') received.push(d.attributeValue);
      return { setVariableResult: data.map((d) => ({ attributeStatus: status, component: d.component, variable: d.variable })) };
    });
  }
  return received;
}

/** Basic Authorization header value. */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** A station registered with `password` through the API, connected as a strict client and booted. */
export async function bootedStation(t: TestLike, server: Pick<TestServer, 'registerStation' | 'ocppUrl'>, id: string, password: string, version: Version): Promise<StrictClient> {
  await server.registerStation(id, password);
  const client = await connectStrict(t, { endpoint: server.ocppUrl, identity: id, password, version });
  await client.call('BootNotification', bootPayload(version));
  return client;
}

/** The OCPP error code a strict client's call was refused with (undefined if it succeeded). */
export async function rpcErrorCode(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return (error as { rpcErrorCode?: string }).rpcErrorCode ?? `not an RPC error: ${String(error)}`;
  }
}
