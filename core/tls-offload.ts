import type { X509Certificate } from 'node:crypto';
import type { RevocationList } from './crl.js';
import { ConfigError, type Env } from './config.js';
import { judgeClientCertificate, PLAIN, type TransportSecurity } from './security-profile.js';

/**
 * TLS offload: a reverse proxy (nginx, HAProxy, Envoy) terminates TLS and passes the client
 * certificate in request headers to the plain listener. Those headers are believed only from
 * the configured proxy addresses (CSMS_TRUSTED_PROXIES); from anyone else they are ignored and the
 * connection is plain. The certificate then goes through the same profile 3 checks as one from
 * our own TLS listener (chain to the station CAs, validity, revocation, CN = station id). Pure.
 */
export interface TlsOffloadConfig {
  /** CSMS_TRUSTED_PROXIES: addresses or CIDR ranges (IPv4, IPv6), comma-separated. */
  trustedProxies: readonly string[];
  /** CSMS_PROXY_CERT_HEADER (default x-ssl-client-cert): the client certificate, PEM, URL-encoded (nginx $ssl_client_escaped_cert). */
  certHeader: string;
  /** CSMS_PROXY_VERIFY_HEADER (default x-ssl-client-verify): the proxy's verification, SUCCESS / NONE / FAILED:reason (nginx $ssl_client_verify). */
  verifyHeader: string;
  /** CSMS_PROXY_PROTO_HEADER (default x-forwarded-proto): `https`/`wss` marks a connection the proxy received over TLS. */
  protoHeader: string;
  /** CSMS_PROXY_ADDRESS_HEADER (default x-real-ip): the station's address as the proxy saw it (for login throttling and logs). */
  addressHeader: string;
  /** CSMS_TLS_STATION_CA_FILE, also without a TLS listener of our own. */
  stationCaFile: string | undefined;
  /** CSMS_TLS_CRL_FILE */
  crlFile: string | undefined;
}

/** 4, 6, or 0 when `address` is not an IP address (node:net's isIP, which core/ may not import). */
function isIP(address: string): 0 | 4 | 6 {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255) ? 4 : 0;
  if (!address.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(address)) return 0;
  try {
    new URL(`http://[${address}]/`); // the WHATWG parser validates IPv6 literals
    return 6;
  } catch {
    return 0;
  }
}

interface Range {
  family: 4 | 6;
  bits: bigint;
  prefix: number;
}

function toBits(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  // Expand '::' and an embedded IPv4 tail.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBits(v4[1]!, 4);
    text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** '::ffff:10.0.0.1' → '10.0.0.1'; anything else as it is. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

export function parseTrustedProxies(list: string): Range[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [address, prefixText] = entry.split('/') as [string, string | undefined];
      const family = isIP(address);
      if (family !== 4 && family !== 6) throw new ConfigError(`CSMS_TRUSTED_PROXIES: '${entry}' is not an IP address or CIDR range`);
      const max = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? max : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
        throw new ConfigError(`CSMS_TRUSTED_PROXIES: bad prefix length in '${entry}'`);
      }
      return { family, bits: toBits(address, family), prefix };
    });
}

export function isTrustedProxy(address: string, ranges: readonly Range[]): boolean {
  const a = normalizeAddress(address);
  const family = isIP(a);
  if (family !== 4 && family !== 6) return false;
  const bits = toBits(a, family);
  const width = family === 4 ? 32n : 128n;
  return ranges.some((r) => r.family === family && (r.prefix === 0 || bits >> (width - BigInt(r.prefix)) === r.bits >> (width - BigInt(r.prefix))));
}

export function loadTlsOffloadConfig(env: Env): TlsOffloadConfig | undefined {
  const list = env.CSMS_TRUSTED_PROXIES?.trim();
  if (!list) return undefined;
  parseTrustedProxies(list); // refuses a bad list at start-up
  const header = (name: string, fallback: string) => (env[name]?.trim() || fallback).toLowerCase();
  return {
    trustedProxies: list.split(',').map((s) => s.trim()).filter(Boolean),
    certHeader: header('CSMS_PROXY_CERT_HEADER', 'x-ssl-client-cert'),
    verifyHeader: header('CSMS_PROXY_VERIFY_HEADER', 'x-ssl-client-verify'),
    protoHeader: header('CSMS_PROXY_PROTO_HEADER', 'x-forwarded-proto'),
    addressHeader: header('CSMS_PROXY_ADDRESS_HEADER', 'x-real-ip'),
    stationCaFile: env.CSMS_TLS_STATION_CA_FILE?.trim() || undefined,
    crlFile: env.CSMS_TLS_CRL_FILE?.trim() || undefined,
  };
}

export interface ProxiedConnection {
  transport: TransportSecurity;
  /** The station's address: the proxy's header, else the proxy's own address. */
  remoteAddress: string;
  /** True when the headers were believed (the peer is a trusted proxy). */
  viaProxy: boolean;
}

/**
 * What a connection to the plain listener offers, with TLS offload configured. From a trusted
 * proxy: TLS when its proto header says https/wss, the certificate from its header judged like
 * our own listener's (a proxy verdict other than SUCCESS makes it invalid whatever the PEM says),
 * and the station's address from its address header. From anyone else: plain, headers ignored.
 */
export function offloadedTransport(
  header: (name: string) => string,
  peerAddress: string,
  config: TlsOffloadConfig,
  ranges: readonly Range[],
  authorities: readonly X509Certificate[],
  revocations: readonly RevocationList[],
  now: Date,
): ProxiedConnection {
  if (!isTrustedProxy(peerAddress, ranges)) return { transport: PLAIN, remoteAddress: peerAddress, viaProxy: false };
  const forwarded = header(config.addressHeader).trim();
  const remoteAddress = forwarded && isIP(forwarded) ? forwarded : peerAddress;
  const proto = header(config.protoHeader).trim().toLowerCase();
  if (proto !== 'https' && proto !== 'wss') return { transport: PLAIN, remoteAddress, viaProxy: true };
  const verify = header(config.verifyHeader).trim();
  let pem = '';
  try {
    pem = decodeURIComponent(header(config.certHeader).trim());
  } catch {
    return { transport: { tls: true, certificate: { kind: 'invalid', reason: 'client certificate header is not URL-encoded PEM' } }, remoteAddress, viaProxy: true };
  }
  if (!pem || verify === 'NONE') return { transport: { tls: true, certificate: { kind: 'none' } }, remoteAddress, viaProxy: true };
  if (verify !== 'SUCCESS') {
    return { transport: { tls: true, certificate: { kind: 'invalid', reason: `the proxy did not verify it (${verify || 'no verify header'})` } }, remoteAddress, viaProxy: true };
  }
  return { transport: { tls: true, certificate: judgeClientCertificate(pem, authorities, now, revocations) }, remoteAddress, viaProxy: true };
}
