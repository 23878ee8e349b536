/**
 * Just enough DER (X.690) to read a PKCS#10 certificate request and an X.509 certificate and to
 * write the certificates the station CA issues. Pure.
 *
 * Also the reader behind core/crl.ts. Why not a library: `@peculiar/x509` needs a `reflect-metadata`
 * polyfill (tsyringe) that is not installed, and writing certificates with the `@peculiar/asn1-*`
 * schemas (which core/ocsp.ts uses to parse OCSP) would take more code than this. The subset used here is small (sequences, integers, OIDs, strings, times, bit and
 * octet strings), node:crypto does every signature and verification, and the tests check what is
 * written with node's X509Certificate and with openssl.
 */

export interface Tlv {
  tag: number;
  /** Offset of the tag byte, of the content, and just past the element. */
  start: number;
  contentStart: number;
  end: number;
}

export function readTlv(der: Uint8Array, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Error('DER: truncated');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[offset + 2 + i]!;
    contentStart += bytes;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('DER: truncated');
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed element. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function whole(der: Buffer, tlv: Tlv): Buffer {
  return der.subarray(tlv.start, tlv.end);
}

export function content(der: Buffer, tlv: Tlv): Buffer {
  return der.subarray(tlv.contentStart, tlv.end);
}

export function encode(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), body]);
}

export const sequence = (...parts: Buffer[]): Buffer => encode(0x30, Buffer.concat(parts));
export const set = (...parts: Buffer[]): Buffer => encode(0x31, Buffer.concat(parts));
export const octetString = (bytes: Buffer): Buffer => encode(0x04, bytes);
export const bitString = (bytes: Buffer, unusedBits = 0): Buffer => encode(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const boolean = (value: boolean): Buffer => encode(0x01, Buffer.from([value ? 0xff : 0]));
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
export const utf8String = (text: string): Buffer => encode(0x0c, Buffer.from(text, 'utf8'));
/** Context-specific tag `n`, constructed (explicit tagging) or primitive. */
export const tagged = (n: number, body: Buffer, constructed = true): Buffer => encode((constructed ? 0xa0 : 0x80) | n, body);

/** A non-negative INTEGER from its big-endian bytes (leading zeros dropped, a zero added before a high bit). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let body = bytes.subarray(i);
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return encode(0x02, body);
}

export function objectIdentifier(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const group: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return encode(0x06, Buffer.from(bytes));
}

export function readObjectIdentifier(body: Buffer): string {
  const parts: number[] = [Math.floor(body[0]! / 40), body[0]! % 40];
  let value = 0;
  for (const byte of body.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5), to the second. */
export function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  return date.getUTCFullYear() < 2050 ? encode(0x17, Buffer.from(`${digits.slice(2)}Z`)) : encode(0x18, Buffer.from(`${digits}Z`));
}

/** DER to PEM with the given label (CERTIFICATE, CERTIFICATE REQUEST…). */
export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block with this label, as DER, in order. */
export function fromPem(pem: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}
