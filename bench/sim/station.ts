/**
 * One simulated charging station: connects, boots, sends what the load driver asks for
 * (one call in flight at a time, as OCPP-J requires) and answers the CSMS's calls.
 * Kept deliberately small in memory: a few scalar fields and its WsClient; everything
 * shared (counters, histograms, config) lives in the Fleet.
 */
import { performance } from 'node:perf_hooks';
import { WsClient, type WsOwner } from './ws-client.js';
import * as p from './payloads.js';
import { answer } from './responder.js';
import type { Fleet } from './fleet.js';

export const IDLE = 0;
export const CONNECTING = 1;
export const OPEN = 2;
export const BOOTED = 3;

// Session steps, in order. Authorize failing does not stop a session (like a station
// with local authorization); a failing start or stop does.
const TX_NONE = 0;
const TX_AUTHORIZE = 1;
const TX_START = 2;
const TX_METER = 3;
const TX_STOP = 4;

const RESULT_ID = /^\[\s*3\s*,\s*"([^"]*)"/;

export class Station implements WsOwner {
  state = IDLE;
  ws: WsClient | null = null;
  startedAt = 0; // connect start, or send time of the call in flight
  pendingId = '';
  pendingAction = '';
  retryAt = 0;
  /** Queued in the fleet's idle list (see Fleet.markIdle). */
  inIdle = false;
  /** Failed connection attempts in a row, for the exponential back-off. */
  failures = 0;
  /** Index into the fleet's targets of the current (or next) connection. */
  target = 0;
  /** performance.now() of the next Heartbeat while booted and idle (0 = none planned). */
  heartbeatAt = 0;
  private txStep = TX_NONE;
  private txId: number | string = 0;
  private txSeq = 0;
  private metersLeft = 0;
  private wh = 0;

  constructor(
    readonly fleet: Fleet,
    readonly index: number,
    readonly id: string,
    readonly version: p.OcppVersion,
    readonly authorization: string,
  ) {}

  connect(localAddress: string): void {
    this.state = CONNECTING;
    this.startedAt = performance.now();
    this.ws = new WsClient(this);
    const target = this.fleet.targets[this.target];
    this.ws.connect({ ...target, path: `${target.path}/${this.id}`, protocol: this.version, authorization: this.authorization, localAddress });
  }

  onOpen(protocol: string): void {
    this.fleet.onOpen(this, protocol, performance.now() - this.startedAt);
    this.state = OPEN;
    if (this.fleet.autoBoot) this.boot();
  }

  boot(): void {
    this.call('BootNotification', p.bootNotification(this.version, this.id));
  }

  /** Sends a call unless one is already in flight. */
  call(action: string, payload: string): boolean {
    if (this.pendingId || !this.ws) return false;
    const id = this.fleet.nextMessageId();
    if (!this.ws.sendText(`[2,"${id}","${action}",${payload}]`)) return false;
    this.pendingId = id;
    this.pendingAction = action;
    this.startedAt = performance.now();
    this.fleet.counters.sent++;
    return true;
  }

  /** One message of the steady mix: Heartbeat, StatusNotification, MeterValues (1:1:2). */
  sendSteady(pick: number): boolean {
    const k = pick & 3;
    if (k === 0) return this.call('Heartbeat', p.heartbeat());
    if (k === 1) return this.call('StatusNotification', p.statusNotification(this.version, true));
    this.wh += 10;
    return this.call('MeterValues', p.meterValues(this.version, this.wh));
  }

  /** Next step of a charging session; starts a new session when none is running. */
  sendTxStep(metersPerSession: number): boolean {
    const v1 = this.version === 'ocpp1.6';
    const tag = p.idTag(this.index);
    if (this.txStep === TX_NONE) {
      this.txStep = TX_AUTHORIZE;
      // 1 … 2m−1 meter values (mean m): unequal session lengths keep stations from
      // moving in lockstep, which would make sessions/s depend on the window's phase.
      this.metersLeft = 1 + Math.floor(Math.random() * Math.max(1, 2 * metersPerSession - 1));
      this.fleet.counters.sessionsStarted++;
      return this.call('Authorize', p.authorize(this.version, tag));
    }
    if (this.txStep === TX_START) {
      if (v1) return this.call('StartTransaction', p.startTransaction(tag, this.wh));
      this.txId = `${this.id}-${this.fleet.nextMessageId()}`;
      this.txSeq = 0;
      return this.call('TransactionEvent', p.transactionEvent('Started', String(this.txId), this.txSeq++, this.wh, tag));
    }
    if (this.txStep === TX_METER) {
      this.wh += 100;
      if (v1) return this.call('MeterValues', p.meterValues(this.version, this.wh, Number(this.txId)));
      return this.call('TransactionEvent', p.transactionEvent('Updated', String(this.txId), this.txSeq++, this.wh, tag));
    }
    if (v1) return this.call('StopTransaction', p.stopTransaction(Number(this.txId), this.wh, tag));
    return this.call('TransactionEvent', p.transactionEvent('Ended', String(this.txId), this.txSeq++, this.wh, tag));
  }

  onText(text: string): void {
    // Fast path: most frames are CALLRESULTs; match the id without parsing the JSON.
    const result = RESULT_ID.exec(text);
    if (result) {
      if (result[1] === this.pendingId) this.onResult(text);
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.fleet.onProtocolError('unparseable-frame');
      return;
    }
    if (!Array.isArray(msg)) return this.fleet.onProtocolError('not-an-array');
    if (msg[0] === 4 && msg[1] === this.pendingId) return this.onCallError(String(msg[2]));
    if (msg[0] === 2) return this.onCall(String(msg[1]), String(msg[2]), msg[3] as Record<string, unknown>);
  }

  private finishCall(): { action: string; latencyUs: number } {
    const action = this.pendingAction;
    const latencyUs = (performance.now() - this.startedAt) * 1000;
    this.pendingId = '';
    this.pendingAction = '';
    return { action, latencyUs };
  }

  private onResult(text: string): void {
    const { action, latencyUs } = this.finishCall();
    this.fleet.onResult(action, latencyUs);
    // Only a few results carry something the station must act on; parse just those.
    if (action === 'BootNotification') {
      const payload = parsePayload(text);
      return this.fleet.onBootResult(this, String(payload.status), Number(payload.interval ?? 0));
    }
    if (action === 'Authorize' || action === 'StartTransaction' || action === 'TransactionEvent') {
      const payload = parsePayload(text);
      const info = (payload.idTagInfo ?? payload.idTokenInfo) as { status?: string } | undefined;
      const status = info?.status ?? 'Accepted'; // TransactionEvent answers may omit it
      if (status !== 'Accepted') this.fleet.onRejected(action, status);
      if (action === 'StartTransaction') {
        if (status !== 'Accepted') {
          this.failSession();
          return this.fleet.markIdle(this);
        }
        this.txId = Number(payload.transactionId);
      }
    }
    if (this.txStep !== TX_NONE && action !== 'Heartbeat' && action !== 'StatusNotification') this.advanceSession();
    this.fleet.markIdle(this);
  }

  private onCallError(code: string): void {
    const { action, latencyUs } = this.finishCall();
    this.fleet.onCallError(action, code, latencyUs);
    if (action === 'BootNotification') return this.fleet.onBootResult(this, `error:${code}`, 0);
    if (action === 'Authorize') this.advanceSession();
    else if (this.txStep !== TX_NONE) this.failSession();
    this.fleet.markIdle(this);
  }

  /** Called by the fleet's sweep when the call in flight got no answer in time. */
  timeout(): void {
    const { action } = this.finishCall();
    this.fleet.counters.timeouts++;
    if (action === 'BootNotification') this.fleet.onBootResult(this, 'timeout', 0);
    else if (this.txStep !== TX_NONE) this.failSession();
    this.fleet.markIdle(this);
  }

  private advanceSession(): void {
    if (this.txStep === TX_AUTHORIZE) this.txStep = TX_START;
    else if (this.txStep === TX_START) this.txStep = this.metersLeft > 0 ? TX_METER : TX_STOP;
    else if (this.txStep === TX_METER) this.txStep = --this.metersLeft > 0 ? TX_METER : TX_STOP;
    else if (this.txStep === TX_STOP) {
      this.txStep = TX_NONE;
      this.fleet.counters.sessionsCompleted++;
    }
  }

  private failSession(): void {
    this.txStep = TX_NONE;
    this.fleet.counters.sessionsFailed++;
  }

  private onCall(id: string, action: string, payload: Record<string, unknown>): void {
    this.fleet.onIncoming(action);
    const reply = answer(this.version, action, payload);
    if (!reply.payload) {
      this.fleet.counters.notSupported++;
      this.ws?.sendText(JSON.stringify([4, id, 'NotSupported', `Simulator does not implement ${action}`, {}]));
      return;
    }
    this.ws?.sendText(JSON.stringify([3, id, reply.payload]));
    // A real station sends the triggered message right after confirming the trigger.
    if (reply.followUp === 'Heartbeat') this.call('Heartbeat', p.heartbeat());
    else if (reply.followUp === 'StatusNotification') this.call('StatusNotification', p.statusNotification(this.version, true));
    else if (reply.followUp === 'BootNotification') this.boot();
  }

  onClose(opened: boolean, reason: string): void {
    const wasState = this.state;
    this.state = IDLE;
    this.ws = null;
    this.pendingId = '';
    this.pendingAction = '';
    this.txStep = TX_NONE;
    this.fleet.onClose(this, opened, wasState, reason);
  }
}

function parsePayload(text: string): Record<string, unknown> {
  try {
    const msg = JSON.parse(text) as unknown[];
    return (msg[2] ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}
