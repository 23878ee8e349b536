import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { App, SSLApp, us_listen_socket_close, type AppOptions, type HttpResponse, type TemplatedApp, type us_listen_socket, type WebSocket, type WebSocketBehavior } from 'uws-pack';
import { judgeClientCertificate, parseCertificateBundle, PLAIN, type TransportSecurity } from '../core/security-profile.js';
import { offloadedTransport, parseTrustedProxies } from '../core/tls-offload.js';
import type { TlsListenerConfig } from '../core/security-config.js';
import type { RefusalCode } from '../core/security-profile.js';
import { parseRevocationLists, type RevocationList } from '../core/crl.js';
import { redactPasswordFrame } from '../core/station-password.js';
import type { CsmsConfig } from '../core/config.js';
import { negotiateVersion, type OcppVersion } from '../core/protocols.js';
import type { VersionSchemas } from '../core/schemas.js';
import { Router, type InboundPort } from '../actors/router.js';
import { GATEWAY_ANSWERS, handledActions } from '../actors/actions/station-initiated.js';
import { StationActor, type ActorLog } from '../actors/station-actor.js';
import type { FrameSink } from '../actors/frame-sink.js';
import type { GatewayMetrics } from './metrics.js';
import type { StationAuthenticator } from './station-auth.js';
import { stationIdFromPath } from './station-path.js';
import { CLOSE_REPLACED, CLOSE_SHUTDOWN, CLOSE_TOO_BIG } from './close-codes.js';
import { monotonicNow } from './monotonic-clock.js';
import type { ActorDeps } from '../actors/station-actor.js';
import type { LiveFrame } from './thread-messages.js';

interface SocketData {
  stationId: string;
  tenantId: string;
  version: OcppVersion;
  connId: string;
  /** The peer's IP address as uWS reports it (read in `upgrade`, where the request still exists). */
  remoteAddress: string;
  /** The listener it came in on: security profile 2/3 stations only ever over TLS. */
  tls: boolean;
  actor?: StationActor;
  open: boolean;
  /** Every frame in and out is logged at info (PUT /stations/{id}/debug). */
  debug: boolean;
  /** Every frame in and out goes to `hooks.frame` (someone watches the live message inspector). */
  watch: boolean;
}

export interface GatewayHooks {
  /** `openedAt`: the process's monotonic clock (ns) when the socket opened, comparable across threads. */
  connected(data: { stationId: string; tenantId: string; version: OcppVersion; connId: string; openedAt: number }): void;
  disconnected(data: { stationId: string; tenantId: string; connId: string; code: number }): void;
  /** A frame of a watched station (setWatch), in or out, as it happens. */
  frame?(frame: LiveFrame): void;
}

export interface GatewayOptions {
  config: CsmsConfig;
  thread: number;
  /** A version's validators; loaded on first use, so idle memory holds only the versions in use. */
  schemas: (version: OcppVersion) => VersionSchemas;
  /** Where validated station CALLs are handled: the handler thread. */
  inbound: InboundPort;
  auth: StationAuthenticator;
  metrics: GatewayMetrics;
  log: ActorLog & { info(fields: Record<string, unknown>, message: string): void };
  hooks: GatewayHooks;
  /** Message log / NATS frame mirror; undefined when both are off. */
  frames?: FrameSink;
  /** Per-tenant message and CALLERROR counters of this thread (the dashboard's rate chart). */
  rates?: ActorDeps['rates'];
}

/**
 * uWS drops a socket whose message exceeds its `maxPayloadLength` without a close frame (the
 * station sees 1006), so uWS gets more room than `maxFrameBytes` and the message handler closes
 * with 1009 and a reason. Only a message beyond this headroom is still dropped by uWS.
 */
function uwsPayloadLimit(maxFrameBytes: number): number {
  return Math.max(2 * maxFrameBytes, maxFrameBytes + 1024 * 1024);
}

/** Login refusals logged in a window of their own, not folded into a station's other refusals. */
const SEPARATELY_LOGGED: ReadonlySet<RefusalCode> = new Set(['plain-connection', 'no-client-certificate', 'bad-client-certificate', 'locked', 'rate-limited']);

function listenOn(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket | undefined> {
  return new Promise((resolve) => app.listen(host, port, (socket) => resolve(socket || undefined)));
}

/** At most one line per key per window, with the number of lines left out since the last one. */
class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** The number of lines suppressed since the last one, or undefined when this one is suppressed too. */
  admit(key: string, now = Date.now()): number | undefined {
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.windowMs) {
      entry.suppressed++;
      return undefined;
    }
    // Bounded: a flood of made-up station ids must not grow this without end.
    if (!entry && this.last.size >= this.maxKeys) {
      for (const [k, e] of this.last) if (now - e.at >= this.windowMs) this.last.delete(k);
      if (this.last.size >= this.maxKeys) this.last.clear();
    }
    this.last.set(key, { at: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }
}

/** The OCPP-J WebSocket endpoint of one worker thread: one uWS App, one actor per socket. */
export class Gateway {
  /** The plain ws:// listener (CSMS_OCPP_PORT). */
  private readonly plain: TemplatedApp;
  private listenSocket: us_listen_socket | undefined;
  /** The wss:// listener (CSMS_OCPP_TLS_PORT), when configured; replaced on `reloadTls`. */
  private tlsApp: TemplatedApp | undefined;
  private tlsListenSocket: us_listen_socket | undefined;
  /** TLS apps replaced by a reload: they keep their open connections until `stop`. */
  private readonly retiredApps: TemplatedApp[] = [];
  /** The station CA(s) client certificates must chain to (profile 3), and their revocation lists. */
  private authorities: X509Certificate[] = [];
  private revocations: RevocationList[] = [];
  /** TLS offload (CSMS_TRUSTED_PROXIES): the proxies, and the station CAs their certificate headers are judged against. */
  private readonly proxies: ReturnType<typeof parseTrustedProxies>;
  private offloadAuthorities: X509Certificate[] = [];
  private offloadRevocations: RevocationList[] = [];
  private readonly sockets = new Map<string, WebSocket<SocketData>>();
  private readonly routers = new Map<OcppVersion, Router>();
  private connSeq = 0;
  /** Stations whose frames are logged (PUT /stations/{id}/debug); kept across reconnects. */
  private readonly debugStations = new Set<string>();
  /** Stations someone watches live (GET /stations/{id}/frames/live); kept across reconnects. */
  private readonly watchedStations = new Set<string>();
  /** Refused handshakes: one line per station id (or address) per 10 s, security refusals apart. */
  private readonly refusals = new LogThrottle(10_000);
  private readonly routerFor: (version: OcppVersion) => Router;

  constructor(private readonly options: GatewayOptions) {
    const onInternalError = (error: unknown, action: string) => options.log.error({ err: error, action }, 'handler failed');
    this.routerFor = (v) => {
      let router = this.routers.get(v);
      if (!router) this.routers.set(v, (router = new Router(options.schemas(v), handledActions(v), options.inbound, onInternalError, GATEWAY_ANSWERS[v])));
      return router;
    };
    const offload = options.config.security.offload;
    this.proxies = offload ? parseTrustedProxies(offload.trustedProxies.join(',')) : [];
    if (offload) this.loadOffloadAuthorities();
    this.plain = App().ws<SocketData>('/*', this.behavior(false));
    if (options.config.security.tls) this.tlsApp = this.openTls(options.config.security.tls);
  }

  /** One WebSocket behaviour for both listeners; `tls` says which one a connection came in on. */
  private behavior(tls: boolean): WebSocketBehavior<SocketData> {
    const options = this.options;
    return {
      maxPayloadLength: uwsPayloadLimit(options.config.maxFrameBytes),
      idleTimeout: options.config.wsIdleTimeoutSec,
      sendPingsAutomatically: true,
      maxBackpressure: options.config.maxBackpressureBytes,
      closeOnBackpressureLimit: true,
      upgrade: (res, req, context) => {
        const url = req.getUrl();
        const key = req.getHeader('sec-websocket-key');
        const offered = req.getHeader('sec-websocket-protocol');
        const extensions = req.getHeader('sec-websocket-extensions');
        const authorization = req.getHeader('authorization') || undefined;
        const peerAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
        // The peer certificate OpenSSL verified against the station CA file in the handshake (PEM,
        // '' when the client sent none): getX509Certificate is in the uWS binary, not its typings.
        // On the plain listener behind a trusted TLS-offloading proxy: its headers (core/tls-offload.ts).
        const offload = options.config.security.offload;
        const proxied = !tls && offload
          ? offloadedTransport((name) => req.getHeader(name), peerAddress, offload, this.proxies, this.offloadAuthorities, this.offloadRevocations, new Date())
          : undefined;
        const remoteAddress = proxied?.remoteAddress ?? peerAddress;
        if (proxied && !proxied.viaProxy && req.getHeader(offload!.certHeader) && this.refusals.admit(`untrusted proxy ${peerAddress}`) !== undefined) {
          options.log.warn({ remoteAddress: peerAddress, header: offload!.certHeader }, 'client certificate header from an address not in CSMS_TRUSTED_PROXIES: ignored');
        }
        const transport: TransportSecurity = tls
          ? { tls: true, certificate: judgeClientCertificate((res as unknown as { getX509Certificate(): string }).getX509Certificate(), this.authorities, new Date(), this.revocations) }
          : (proxied?.transport ?? PLAIN);
        const stationId = stationIdFromPath(url, options.config.ocppPathPrefix);
        if (!stationId) {
          return this.refuse(res, 404, 'Not Found: expected /ocpp/{stationId}', false, { reason: 'no valid station id in the path', path: url, remoteAddress });
        }
        const version = negotiateVersion(offered);
        if (!version) {
          return this.refuse(res, 400, 'Bad Request: no supported OCPP subprotocol offered', false, { reason: 'no supported OCPP subprotocol offered', offered, stationId, remoteAddress });
        }
        const socketData = (tenantId: string): SocketData => ({
          stationId,
          tenantId,
          version,
          connId: `${options.thread}.${++this.connSeq}`,
          remoteAddress,
          tls,
          open: false,
          debug: this.debugStations.has(stationId),
          watch: this.watchedStations.has(stationId),
        });
        // Known credentials are checked synchronously and upgraded inside this handler, the path
        // uWS is built for. Only a first login (store lookup, scrypt) upgrades asynchronously.
        const known = options.auth.admitKnown(stationId, authorization, transport, remoteAddress);
        if (known) {
          if (!known.ok) return this.refuse(res, known.status, 'Unauthorized', true, { reason: known.reason, code: known.code, stationId, remoteAddress, tls });
          return res.upgrade(socketData(known.tenantId), key, version, extensions, context);
        }
        let aborted = false;
        res.onAborted(() => {
          aborted = true;
        });
        options.auth.admit(stationId, authorization, transport, remoteAddress).then(
          (result) => {
            if (aborted) return;
            if (!result.ok) {
              res.cork(() => this.refuse(res, result.status, 'Unauthorized', true, { reason: result.reason, code: result.code, stationId, remoteAddress, tls }));
              return;
            }
            // Outside cork, on purpose: uws-pack 20.0.8 closes some sockets upgraded asynchronously
            // inside res.cork with 1006 right after the 101 (first seen 1 in 40 fresh servers; with
            // the work of `open` deferred past the cork it still dropped 1 of 160 first logins in
            // test/e2e/first-login.test.ts under load). The price is one non-JSON "writes must be
            // made from within a corked callback" warning from uWS on stderr per first login. It
            // is rarer, not gone, uncorked (over TLS under load), so the node's other gateway threads
            // learn each login (StationAuthenticator.learn): a station's reconnects never take it.
            res.upgrade(socketData(result.tenantId), key, version, extensions, context);
          },
          (error) => {
            options.log.error({ err: error, stationId }, 'admission failed');
            if (!aborted) res.cork(() => this.refuse(res, 503, 'Service Unavailable', false, { reason: 'admission failed', stationId, remoteAddress }));
          },
        );
      },
      open: (ws) => this.onOpen(ws),
      message: (ws, message) => {
        const data = ws.getUserData();
        if (message.byteLength > options.config.maxFrameBytes) {
          options.log.warn({ stationId: data.stationId, tenantId: data.tenantId, bytes: message.byteLength, limit: options.config.maxFrameBytes }, 'message too big: closing (1009)');
          ws.end(CLOSE_TOO_BIG, `Message too big: more than ${options.config.maxFrameBytes} bytes`);
          return;
        }
        // The ArrayBuffer is only valid during this callback; toString copies it. uWS has
        // already closed a socket whose text message is not UTF-8 (see README, close codes).
        const text = Buffer.from(message).toString('utf8');
        if (data.debug) options.log.info({ stationId: data.stationId, tenantId: data.tenantId, direction: 'in', frame: text }, 'frame');
        if (data.watch) options.hooks.frame?.({ tenantId: data.tenantId, stationId: data.stationId, direction: 'in', frame: redactPasswordFrame(text), at: new Date().toISOString() });
        data.actor?.receive(text);
      },
      close: (ws, code, message) => this.onClose(ws, code, Buffer.from(message).toString('utf8')),
    };
  }

  /** Listens on the plain port and, when configured, the TLS port; false if either is refused. */
  async listen(): Promise<boolean> {
    const { host, ocppPort } = this.options.config;
    this.listenSocket = await listenOn(this.plain, host, ocppPort);
    const tls = this.options.config.security.tls;
    if (!tls || !this.tlsApp) return Boolean(this.listenSocket);
    this.tlsListenSocket = await listenOn(this.tlsApp, host, tls.port);
    return Boolean(this.listenSocket && this.tlsListenSocket);
  }

  /**
   * Certificate files changed (SIGHUP): a new TLS app with the files read again listens on the
   * same port (SO_REUSEPORT) before the old listen socket closes, so no connection is dropped and
   * no new one is refused; the old app keeps serving the connections it has. Throws (and keeps
   * the old listener) when the new files cannot be loaded.
   */
  async reloadTls(): Promise<void> {
    if (this.options.config.security.offload) this.loadOffloadAuthorities();
    const tls = this.options.config.security.tls;
    if (!tls || !this.tlsApp) return;
    const app = this.openTls(tls);
    const socket = await listenOn(app, this.options.config.host, tls.port);
    if (!socket) {
      app.close();
      throw new Error(`cannot listen on ${this.options.config.host}:${tls.port} with the reloaded certificates`);
    }
    if (this.tlsListenSocket) us_listen_socket_close(this.tlsListenSocket);
    this.retiredApps.push(this.tlsApp);
    this.tlsApp = app;
    this.tlsListenSocket = socket;
  }

  /** The station CAs and revocation lists proxied client certificates are judged against (start-up, SIGHUP). */
  private loadOffloadAuthorities(): void {
    const offload = this.options.config.security.offload!;
    if (!offload.stationCaFile) return;
    const authorities = parseCertificateBundle(readFileSync(offload.stationCaFile, 'utf8'));
    if (authorities.length === 0) throw new Error(`CSMS_TLS_STATION_CA_FILE ${offload.stationCaFile} holds no PEM certificate`);
    const revocations = offload.crlFile ? parseRevocationLists(readFileSync(offload.crlFile, 'utf8'), authorities) : [];
    this.offloadAuthorities = authorities;
    this.offloadRevocations = revocations;
  }

  /** A uWS SSLApp from the configured files (TLS 1.2+ is uSockets' floor; the OCPP cipher list for 1.2). */
  private openTls(tls: TlsListenerConfig): TemplatedApp {
    const options: AppOptions = { cert_file_name: tls.certFile, key_file_name: tls.keyFile, ssl_ciphers: tls.ciphers };
    if (tls.passphrase) options.passphrase = tls.passphrase;
    // With a CA file uSockets asks for a client certificate and verifies it (chain, validity)
    // during the handshake; a client may send none (profile 2), which `upgrade` sees as ''.
    let authorities: X509Certificate[] = [];
    let revocations: RevocationList[] = [];
    if (tls.stationCaFile) {
      authorities = parseCertificateBundle(readFileSync(tls.stationCaFile, 'utf8'));
      if (authorities.length === 0) throw new Error(`CSMS_TLS_STATION_CA_FILE ${tls.stationCaFile} holds no PEM certificate`);
      options.ca_file_name = tls.stationCaFile;
      if (tls.crlFile) revocations = parseRevocationLists(readFileSync(tls.crlFile, 'utf8'), authorities);
    }
    // uWS does not throw on unreadable files: check them here so a bad path is an error, not a silent plain app.
    for (const file of [tls.certFile, tls.keyFile]) readFileSync(file);
    // Everything loaded: only now replace what the running listener judges with (a failed reload keeps the old).
    this.authorities = authorities;
    this.revocations = revocations;
    return SSLApp(options).ws<SocketData>('/*', this.behavior(true));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Sends a CSMS→station call through the station's actor on this thread. */
  actorFor(stationId: string): StationActor | undefined {
    const ws = this.sockets.get(stationId);
    return ws?.getUserData().actor;
  }

  /**
   * Closes a connection: by default one a newer connection replaced (possibly on another thread,
   * 4000); `close` gives another code, e.g. 1008 for a station that was deleted.
   */
  kick(stationId: string, connId: string, close = { code: CLOSE_REPLACED, reason: 'Replaced by a newer connection' }): void {
    const ws = this.sockets.get(stationId);
    if (ws && ws.getUserData().connId === connId) ws.end(close.code, close.reason);
  }

  /** Logs every frame of a station at info while enabled (on this thread; main tells every thread). */
  setDebug(stationId: string, enabled: boolean): void {
    if (enabled) this.debugStations.add(stationId);
    else this.debugStations.delete(stationId);
    const ws = this.sockets.get(stationId);
    if (ws) ws.getUserData().debug = enabled;
    this.options.log.info({ stationId, enabled, connected: Boolean(ws) }, 'station debug logging');
  }

  /** Sends every frame of a station to `hooks.frame` while enabled (on this thread; main tells every thread). */
  setWatch(stationId: string, enabled: boolean): void {
    if (enabled) this.watchedStations.add(stationId);
    else this.watchedStations.delete(stationId);
    const ws = this.sockets.get(stationId);
    if (ws) ws.getUserData().watch = enabled;
  }

  /** Stops accepting, closes every socket, resolves when all are gone. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.listenSocket) us_listen_socket_close(this.listenSocket);
    if (this.tlsListenSocket) us_listen_socket_close(this.tlsListenSocket);
    this.listenSocket = this.tlsListenSocket = undefined;
    for (const ws of this.sockets.values()) ws.end(CLOSE_SHUTDOWN, 'CSMS shutting down');
    const deadline = Date.now() + graceMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of [...this.sockets.values()]) ws.close();
    for (const app of [this.plain, this.tlsApp, ...this.retiredApps]) app?.close();
  }

  private refuse(
    res: HttpResponse,
    status: 400 | 401 | 404 | 503,
    message: string,
    challenge: boolean,
    why: { reason: string; code?: RefusalCode; stationId?: string; remoteAddress: string; [field: string]: unknown },
  ): void {
    this.options.metrics.handshakeRefused(status);
    if (why.code) this.options.metrics.loginRefused(why.code);
    // One line per station id per window (a flood is one line with a `suppressed` count); refusals
    // an operator must see apart (a downgrade, a bad certificate, a lock) have a window of their own.
    // (a certificate refusal by its reason: expired, revoked, another station's CN… each shows once).
    const apart = why.code !== undefined && SEPARATELY_LOGGED.has(why.code) ? `|${why.code}${why.code === 'bad-client-certificate' ? `|${why.reason.slice(0, 60)}` : ''}` : '';
    const suppressed = this.refusals.admit(`${why.stationId ?? `address ${why.remoteAddress}`}${apart}`);
    if (suppressed !== undefined) this.options.log.info({ ...why, status, ...(suppressed ? { suppressed } : {}) }, 'handshake refused');
    const statusLine = { 400: '400 Bad Request', 401: '401 Unauthorized', 404: '404 Not Found', 503: '503 Service Unavailable' }[status];
    res.writeStatus(statusLine);
    if (challenge) res.writeHeader('WWW-Authenticate', 'Basic realm="switchyard", charset="UTF-8"');
    res.end(message, true);
  }

  private onOpen(ws: WebSocket<SocketData>): void {
    const data = ws.getUserData();
    data.open = true;
    const previous = this.sockets.get(data.stationId);
    if (previous) previous.end(CLOSE_REPLACED, 'Replaced by a newer connection');
    this.sockets.set(data.stationId, ws);
    const { config } = this.options;
    data.actor = new StationActor(
      { tenantId: data.tenantId, stationId: data.stationId, version: data.version },
      {
        // Answers mostly leave from a handler-thread reply, outside any uWS callback: cork so
        // the frame goes out in one write instead of uWS's uncorked slow path.
        send: (text) => {
          if (!data.open) return false;
          if (data.debug) this.options.log.info({ stationId: data.stationId, tenantId: data.tenantId, direction: 'out', frame: redactPasswordFrame(text) }, 'frame');
          if (data.watch) this.options.hooks.frame?.({ tenantId: data.tenantId, stationId: data.stationId, direction: 'out', frame: redactPasswordFrame(text), at: new Date().toISOString() });
          let status = 0;
          ws.cork(() => (status = ws.send(text, false)));
          return status !== 2;
        },
        close: (code, reason) => data.open && ws.end(code, reason),
      },
      {
        schemas: this.options.schemas(data.version),
        router: this.routerFor(data.version),
        settings: {
          callTimeoutMs: config.callTimeoutSec * 1000,
          mailboxCapacity: 16,
          maxQueuedCalls: 64,
        },
        metrics: this.options.metrics,
        log: this.options.log,
        frames: this.options.frames,
        rates: this.options.rates,
      },
    );
    this.options.metrics.connected(data.version, 1);
    this.options.log.info(
      { stationId: data.stationId, tenantId: data.tenantId, protocol: data.version, connId: data.connId, remoteAddress: data.remoteAddress },
      'station connected',
    );
    this.options.hooks.connected({ stationId: data.stationId, tenantId: data.tenantId, version: data.version, connId: data.connId, openedAt: monotonicNow() });
  }

  private onClose(ws: WebSocket<SocketData>, code: number, reason: string): void {
    const data = ws.getUserData();
    this.options.log.info(
      { stationId: data.stationId, tenantId: data.tenantId, protocol: data.version, connId: data.connId, remoteAddress: data.remoteAddress, code, reason },
      'station disconnected',
    );
    data.open = false;
    data.actor?.close();
    if (this.sockets.get(data.stationId) === ws) this.sockets.delete(data.stationId);
    this.options.metrics.connected(data.version, -1);
    this.options.hooks.disconnected({ stationId: data.stationId, tenantId: data.tenantId, connId: data.connId, code });
  }
}
