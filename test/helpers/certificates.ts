import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { normalSerial } from '../../core/certificates.js';
import type { TestLike } from './server.js';

/**
 * Certificates for TLS tests, made with Debian's openssl (EC P-256 keys: fast). A station CA, a
 * server certificate it signs (SAN 127.0.0.1, localhost), and client certificates on demand.
 */
export interface Pki {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  ca: Buffer;
  /** A client certificate and key (PEM) signed by the station CA, or by `issuer` (another CA made by `otherCa`). */
  client(commonName: string, options?: { days?: number; issuer?: { cert: string; key: string } }): { cert: Buffer; key: Buffer };
  /** A self-signed certificate and key with this CN. */
  selfSigned(commonName: string): { cert: Buffer; key: Buffer };
  /** The station CA's revocation list (PEM), rewritten by `revoke`; empty at first. */
  crlFile: string;
  /** Adds a certificate (PEM) to the station CA's revocation list. */
  revoke(cert: Buffer): void;
  /** Signs a new server certificate (new key, next serial) into the same files; returns its serial (hex). */
  renewServer(): string;
  /** Another CA (files), unknown to the server. */
  otherCa(name: string): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(t: TestLike): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  let serial = 1000;
  const selfSignedCa = (name: string, cn: string) => {
    openssl(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  const ca = selfSignedCa('ca', 'Switchyard Test Station CA');
  const sign = (name: string, cn: string, days: number, issuer: { cert: string; key: string }, ext?: string) => {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    const extArgs: string[] = [];
    if (ext) {
      writeFileSync(join(dir, `${name}.ext`), ext);
      extArgs.push('-extfile', `${name}.ext`);
    }
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', String(serial++), '-out', `${name}.pem`, '-days', String(days), ...extArgs], dir);
    return { cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
  };
  const signServer = () => {
    sign('server', 'localhost', 30, ca, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    return (serial - 1).toString(16).toUpperCase();
  };
  signServer();
  // `openssl ca` keeps its revocations in a small database next to the CA.
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), '[ ca ]\ndefault_ca = station\n[ station ]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n');
  const gencrl = () => openssl(['ca', '-config', 'ca.cnf', '-keyfile', ca.key, '-cert', ca.cert, '-gencrl', '-out', 'crl.pem'], dir);
  gencrl();
  let n = 0;
  return {
    dir,
    caFile: ca.cert,
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    ca: readFileSync(ca.cert),
    // -days -1: notAfter a day before notBefore (now), i.e. expired.
    client: (cn, options = {}) => sign(`client-${++n}`, cn, options.days ?? 30, options.issuer ?? ca, 'extendedKeyUsage=clientAuth\n'),
    selfSigned: (cn) => {
      const name = `self-${++n}`;
      openssl(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30', '-subj', `/CN=${cn}`], dir);
      return { cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
    },
    otherCa: (name) => selfSignedCa(name, `Other CA ${name}`),
    renewServer: signServer,
    crlFile: join(dir, 'crl.pem'),
    revoke: (cert) => {
      const name = `revoked-${++n}.pem`;
      writeFileSync(join(dir, name), cert);
      openssl(['ca', '-config', 'ca.cnf', '-keyfile', ca.key, '-cert', ca.cert, '-revoke', name], dir);
      gencrl();
    },
  };
}

/**
 * A certificate's serial as OCPP spells it (hex, upper case, no leading zeros). Node's
 * `X509Certificate.serialNumber` keeps a leading zero nibble, so a test comparing against it
 * directly fails for about one random serial in sixteen.
 */
export function ocppSerial(cert: X509Certificate): string {
  return normalSerial(cert.serialNumber);
}
