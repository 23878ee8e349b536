import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { loadTlsOffloadConfig, isTrustedProxy, normalizeAddress, offloadedTransport, parseTrustedProxies } from '../../core/tls-offload.js';
import { makePki } from '../helpers/certificates.js';

t.test('trusted proxy addresses and ranges, IPv4 and IPv6', async (t) => {
  const ranges = parseTrustedProxies('10.0.0.0/8, 192.168.1.7, ::1, fd00::/8');
  for (const a of ['10.1.2.3', '::ffff:10.200.0.1', '192.168.1.7', '::1', 'fd12:3456::1']) t.ok(isTrustedProxy(a, ranges), `${a} trusted`);
  for (const a of ['11.0.0.1', '192.168.1.8', '::2', 'fe80::1', 'not-an-ip', '']) t.notOk(isTrustedProxy(a, ranges), `${a} not trusted`);
  t.ok(isTrustedProxy('8.8.8.8', parseTrustedProxies('0.0.0.0/0')), '/0 trusts every IPv4 address');
  t.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
  t.throws(() => parseTrustedProxies('10.0.0.0/33'), /prefix/);
  t.throws(() => parseTrustedProxies('nginx.local'), /not an IP/);
  t.equal(loadTlsOffloadConfig({}), undefined, 'off unless CSMS_TRUSTED_PROXIES is set');
  t.match(loadTlsOffloadConfig({ CSMS_TRUSTED_PROXIES: '127.0.0.1', CSMS_PROXY_CERT_HEADER: 'X-Client-Cert' }), { certHeader: 'x-client-cert', verifyHeader: 'x-ssl-client-verify' });
});

t.test('headers believed only from a trusted proxy, and judged like our own TLS listener', async (t) => {
  const pki = makePki(t);
  const authorities = [new X509Certificate(pki.ca)];
  const config = loadTlsOffloadConfig({ CSMS_TRUSTED_PROXIES: '127.0.0.1' })!;
  const ranges = parseTrustedProxies('127.0.0.1');
  const good = pki.client('CP-OFF');
  const foreign = pki.client('CP-OFF', { issuer: pki.otherCa('rogue') });
  // After the certificates are made: their notBefore is the second they were signed.
  const now = new Date(Date.now() + 1000);
  const headers = (h: Record<string, string>) => (name: string) => h[name] ?? '';
  const proxied = (h: Record<string, string>, from = '127.0.0.1') => offloadedTransport(headers(h), from, config, ranges, authorities, [], now);
  const cert = encodeURIComponent(good.cert.toString());
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-cert': cert, 'x-real-ip': '203.0.113.9' }), {
    transport: { tls: true, certificate: { kind: 'valid', commonName: 'CP-OFF' } },
    remoteAddress: '203.0.113.9',
    viaProxy: true,
  });
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-cert': cert }, '127.0.0.2'), {
    transport: { tls: false, certificate: { kind: 'none' } },
    remoteAddress: '127.0.0.2',
    viaProxy: false,
  }, 'from an untrusted address: plain, headers ignored');
  t.match(proxied({ 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-cert': cert }), { transport: { tls: false } }, 'no https proto: plain');
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'FAILED:certificate has expired', 'x-ssl-client-cert': cert }), { transport: { certificate: { kind: 'invalid', reason: /FAILED:certificate has expired/ } } });
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'NONE' }), { transport: { tls: true, certificate: { kind: 'none' } } }, 'profile 2 behind the proxy');
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-cert': encodeURIComponent(foreign.cert.toString()) }), { transport: { certificate: { kind: 'invalid' } } }, 'a proxy that verified against other CAs is not enough');
  t.match(proxied({ 'x-forwarded-proto': 'https', 'x-ssl-client-verify': 'SUCCESS', 'x-ssl-client-cert': '%E0%A4%A' }), { transport: { certificate: { kind: 'invalid' } } }, 'not URL-encoded');
});
