/**
 * A minimal RFC 6455 WebSocket client over a raw `net` socket: handshake, masked text
 * frames, ping/pong and close. Why not `ws`: a `ws` client costs several KB of objects,
 * closures and per-socket read buffers; here all sockets read into one shared buffer
 * (the `onread` option), listeners are module functions (no closures per socket) and
 * the only per-connection state is this object. No extensions are offered, so frames
 * from the server are never compressed.
 */
import net from 'node:net';
import { randomFillSync } from 'node:crypto';

/** What the owner of a connection (a station) is told. */
export interface WsOwner {
  onOpen(protocol: string): void;
  onText(text: string): void;
  /** `opened` says whether the handshake had completed; `reason` is a short error kind. */
  onClose(opened: boolean, reason: string): void;
}

export interface WsConnectOptions {
  host: string;
  port: number;
  path: string;
  protocol: string;
  authorization?: string;
  localAddress?: string;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

const OWNER = Symbol('wsClient');
const shared = Buffer.allocUnsafe(256 * 1024);

// Masking keys and handshake nonces come from one random pool refilled in bulk,
// which is far cheaper than a crypto call per frame.
const pool = Buffer.allocUnsafe(64 * 1024);
let poolAt = pool.length;
function randomBytes(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

export class WsClient {
  private socket: net.Socket | null = null;
  private state = CONNECTING;
  private pending: Buffer | null = null; // unparsed bytes (handshake or partial frame)
  private fragments: Buffer[] | null = null; // a fragmented text message in progress
  private failure = '';
  constructor(readonly owner: WsOwner) {}

  get isOpen(): boolean {
    return this.state === OPEN;
  }

  connect(o: WsConnectOptions): void {
    const socket = net.connect({
      host: o.host,
      port: o.port,
      localAddress: o.localAddress,
      noDelay: true, // OCPP is request/response: Nagle would add up to 40 ms per call
      onread: { buffer: shared, callback: onRead },
    });
    (socket as unknown as Record<symbol, WsClient>)[OWNER] = this;
    this.socket = socket;
    socket.on('error', onError);
    socket.on('close', onClose);
    const key = randomBytes(16).toString('base64');
    const auth = o.authorization ? `Authorization: ${o.authorization}\r\n` : '';
    socket.write(
      `GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Protocol: ${o.protocol}\r\n${auth}\r\n`,
    );
  }

  sendText(text: string): boolean {
    if (this.state !== OPEN || !this.socket) return false;
    this.socket.write(textFrame(text));
    return true;
  }

  /** Polite close: close frame then FIN. */
  close(code = 1000): void {
    if (this.state === OPEN && this.socket) {
      const body = Buffer.allocUnsafe(2);
      body.writeUInt16BE(code);
      this.socket.write(frame(0x8, body));
      this.socket.end();
    } else this.socket?.destroy();
  }

  /** Abrupt drop (TCP RST): what a station reboot or a cut link looks like to the CSMS,
   * and it leaves no TIME_WAIT entry holding the client port. */
  drop(): void {
    this.failure ||= 'dropped';
    this.socket?.resetAndDestroy();
  }

  /** Give up on a handshake that takes too long. */
  abort(reason: string): void {
    this.failure ||= reason;
    this.socket?.destroy();
  }

  handleData(chunk: Buffer): void {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let at = 0;
    if (this.state === CONNECTING) {
      at = this.parseHandshake(data);
      if (at < 0) return;
    }
    while (this.state === OPEN && at < data.length) {
      const used = this.parseFrame(data, at);
      if (used === 0) break;
      at += used;
    }
    // The chunk may live in the shared read buffer: keep a private copy of any tail.
    if (at < data.length && this.state !== CLOSED) this.pending = Buffer.from(data.subarray(at));
  }

  /** Returns the offset after the HTTP response, or -1 if incomplete / failed. */
  private parseHandshake(data: Buffer): number {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > 16384) this.abort('handshake-garbage');
      else this.pending = Buffer.from(data);
      return -1;
    }
    const head = data.toString('latin1', 0, end);
    const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 'bad';
    if (status !== '101') {
      this.abort(`http-${status}`);
      return -1;
    }
    const protocol = /\r\nsec-websocket-protocol:\s*([^\r]*)/i.exec(head)?.[1]?.trim() ?? '';
    this.state = OPEN;
    this.owner.onOpen(protocol);
    return end + 4;
  }

  /** Parses one frame at `at`; returns bytes consumed or 0 if the frame is incomplete. */
  private parseFrame(data: Buffer, at: number): number {
    if (data.length - at < 2) return 0;
    const b0 = data[at];
    const b1 = data[at + 1];
    let len = b1 & 0x7f;
    let hdr = 2;
    if (len === 126) {
      if (data.length - at < 4) return 0;
      len = data.readUInt16BE(at + 2);
      hdr = 4;
    } else if (len === 127) {
      if (data.length - at < 10) return 0;
      len = Number(data.readBigUInt64BE(at + 2));
      hdr = 10;
    }
    if (b1 & 0x80) hdr += 4; // servers must not mask, but tolerate it
    if (data.length - at < hdr + len) return 0;
    let payload = data.subarray(at + hdr, at + hdr + len);
    if (b1 & 0x80) {
      const key = data.subarray(at + hdr - 4, at + hdr);
      payload = Buffer.from(payload);
      for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    }
    this.onFrame(b0 & 0x80, b0 & 0x0f, payload);
    return hdr + len;
  }

  private onFrame(fin: number, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0: // continuation
        if (!this.fragments) return;
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.owner.onText(whole.toString('utf8'));
        }
        return;
      case 0x1:
        if (fin) this.owner.onText(payload.toString('utf8'));
        else this.fragments = [Buffer.from(payload)];
        return;
      case 0x8: // close: echo the status code, then let TCP finish
        this.failure ||= `closed-by-server-${payload.length >= 2 ? payload.readUInt16BE(0) : 1005}`;
        this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
        this.state = CLOSED;
        return;
      case 0x9:
        this.socket?.write(frame(0xa, Buffer.from(payload)));
        return;
      case 0xa:
        return;
      default: // binary frames have no meaning in OCPP-J
        this.failure ||= 'binary-frame';
        this.close(1003);
        this.state = CLOSED;
    }
  }

  handleError(err: NodeJS.ErrnoException): void {
    this.failure ||= err.code ?? 'error';
  }

  handleClose(): void {
    const opened = this.state !== CONNECTING;
    this.state = CLOSED;
    this.socket = null;
    this.pending = null;
    this.fragments = null;
    this.owner.onClose(opened, this.failure || (opened ? 'closed-by-server' : 'closed-during-handshake'));
  }
}

/**
 * Allocates a client frame of `len` payload bytes and writes its header and mask key
 * (RFC 6455 §5.3: clients must mask). Returns the buffer, the key and where the payload starts.
 */
function allocFrame(opcode: number, len: number): { out: Buffer; key: Buffer; body: number } {
  const hdr = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(hdr + 4 + len);
  out[0] = 0x80 | opcode;
  if (hdr === 2) out[1] = 0x80 | len;
  else if (hdr === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  const key = randomBytes(4);
  key.copy(out, hdr);
  return { out, key, body: hdr + 4 };
}

/** Builds a masked client frame. */
function frame(opcode: number, payload: Buffer): Buffer {
  const { out, key, body } = allocFrame(opcode, payload.length);
  for (let i = 0; i < payload.length; i++) out[body + i] = payload[i]! ^ key[i & 3]!;
  return out;
}

/** Same as `frame` for text, encoding straight into the frame to skip one copy. */
function textFrame(text: string): Buffer {
  const { out, key, body } = allocFrame(0x1, Buffer.byteLength(text));
  out.write(text, body, 'utf8');
  for (let i = body; i < out.length; i++) out[i]! ^= key[(i - body) & 3]!;
  return out;
}

function ownerOf(socket: net.Socket): WsClient {
  return (socket as unknown as Record<symbol, WsClient>)[OWNER];
}

// All sockets read into `shared`; the data is consumed (or copied) before returning.
function onRead(this: net.Socket, nread: number): boolean {
  ownerOf(this).handleData(shared.subarray(0, nread));
  return true;
}

function onError(this: net.Socket, err: NodeJS.ErrnoException): void {
  ownerOf(this).handleError(err);
}

function onClose(this: net.Socket): void {
  ownerOf(this).handleClose();
}
