import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, type TestLike } from './server.js';

/** The command that makes the OCSP tests run. */
export const OPENSSL_INSTALL = 'apt-get install -y openssl';

/** Why OCSP tests cannot run here (no openssl on PATH), or undefined. */
export function opensslMissing(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'openssl'), constants.X_OK);
      return undefined;
    } catch {
      // not here
    }
  }
  return `openssl is not on PATH: install it with \`${OPENSSL_INSTALL}\``;
}

function openssl(args: string[], cwd: string): Buffer {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface IssuedCert {
  pem: string;
  cert: X509Certificate;
  key: string;
}

/**
 * A contract-certificate PKI for Plug & Charge tests, made with Debian's openssl: a CA (EC
 * P-256), leaf certificates it issues, recorded as good or revoked in an `openssl ca`-style index
 * (or left out of it: "unknown" to the responder), a delegated OCSP signer, and OCSP responses
 * made offline (`respond`) or by a live `openssl ocsp` responder (`start`).
 */
export interface OcspPki {
  dir: string;
  ca: IssuedCert;
  /** A leaf (CN `cn`) issued by the CA; `status` decides its index line; serial chosen with the top bit set. */
  issue(cn: string, status: 'good' | 'revoked' | 'unknown', options?: { days?: number; ocspUrl?: string }): IssuedCert;
  /** A certificate the CA signs for OCSP signing (extendedKeyUsage OCSPSigning). */
  delegate(): IssuedCert;
  /** A DER OCSP response to a DER request, signed by the CA or by `signer`. */
  respond(requestDer: Buffer, signer?: IssuedCert): Buffer;
  /** Starts `openssl ocsp` on `port` (default: a free one; OpenSSL 3.0 binds every address, the tests use loopback), stopped by PID at teardown (or `stop`). */
  start(t: TestLike, options?: { signer?: IssuedCert; port?: number }): Promise<{ url: string; pid: number; stop(): Promise<void> }>;
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** openssl ca index time: YYMMDDHHMMSSZ. */
function indexTime(date: Date): string {
  return date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z');
}

export function makeOcspPki(t: TestLike): OcspPki {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ocsp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Test MO Sub-CA/O=Switchyard Tests',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
  const load = (name: string): IssuedCert => {
    const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
    return { pem, cert: new X509Certificate(pem), key: join(dir, `${name}.key`) };
  };
  const ca = load('ca');
  const index: string[] = [];
  const writeIndex = () => writeFileSync(join(dir, 'index.txt'), index.join(''));
  writeIndex();
  let serial = 0x8a0000;
  let n = 0;
  const sign = (name: string, cn: string, days: number, ext: string) => {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    writeFileSync(join(dir, `${name}.ext`), ext);
    const s = (serial++).toString(16).toUpperCase();
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${s}`, '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`], dir);
    return { ...load(name), serial: s };
  };
  return {
    dir,
    ca,
    issue(cn, status, options = {}) {
      const aia = options.ocspUrl ? `authorityInfoAccess=OCSP;URI:${options.ocspUrl}\n` : '';
      const leaf = sign(`leaf-${++n}`, cn, options.days ?? 30, `keyUsage=critical,digitalSignature\n${aia}`);
      const expiry = indexTime(new Date(leaf.cert.validTo));
      if (status === 'good') index.push(`V\t${expiry}\t\t${leaf.serial}\tunknown\t/CN=${cn}\n`);
      if (status === 'revoked') index.push(`R\t${expiry}\t${indexTime(new Date(Date.now() - 3_600_000))}\t${leaf.serial}\tunknown\t/CN=${cn}\n`);
      writeIndex();
      return leaf;
    },
    delegate() {
      return sign(`ocsp-${++n}`, 'Test OCSP Signer', 30, 'extendedKeyUsage=OCSPSigning\nkeyUsage=critical,digitalSignature\n');
    },
    respond(requestDer, signer = ca) {
      const name = `req-${++n}`;
      writeFileSync(join(dir, `${name}.der`), requestDer);
      openssl(['ocsp', '-index', 'index.txt', '-CA', 'ca.pem', '-rsigner', signer.cert === ca.cert ? 'ca.pem' : signer.key.replace(/\.key$/, '.pem'),
        '-rkey', signer.key, '-reqin', `${name}.der`, '-respout', `${name}.resp`, '-ndays', '1'], dir);
      return readFileSync(join(dir, `${name}.resp`));
    },
    async start(tt, options = {}) {
      const signer = options.signer ?? ca;
      const port = options.port ?? (await freePort());
      const log = { text: '' };
      const child: ChildProcess = spawn('openssl', ['ocsp', '-index', 'index.txt', '-CA', 'ca.pem',
        '-rsigner', signer.cert === ca.cert ? 'ca.pem' : signer.key.replace(/\.key$/, '.pem'), '-rkey', signer.key,
        '-port', String(port), '-ndays', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.setEncoding('utf8').on('data', (c: string) => (log.text += c));
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (log.text += c));
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      };
      tt.teardown(stop);
      // Ready once it says so (a probe connection would hold up its one-at-a-time accept loop).
      for (let i = 0; !log.text.includes('waiting for OCSP client connections'); i++) {
        if (child.exitCode !== null || i > 200) throw new Error(`openssl ocsp did not start:\n${log.text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return { url: `http://127.0.0.1:${port}/`, pid: child.pid!, stop };
    },
  };
}
