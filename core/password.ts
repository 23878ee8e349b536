import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Station passwords are stored only as salted scrypt hashes, in a self-describing string
 * `scrypt$N$r$p$salt$hash`, so the cost can be raised later without breaking old hashes.
 */
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // 128·N·r bytes is the working set; the floor covers OpenSSL's fixed overhead, which made
    // small costs (CSMS_SCRYPT_COST below ~32) fail with "memory limit exceeded".
    const maxmem = Math.max(32 * 1024 * 1024, 256 * options.N! * options.r!);
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost = 16384): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, { N: cost, r: 8, p: 1 });
  return ['scrypt', cost, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  // A malformed or absurd stored hash must fail verification, not throw or allocate without bound.
  const sane = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (!sane(N, 1 << 20) || (N & (N - 1)) !== 0 || N < 2 || !sane(R, 64) || !sane(P, 16)) return false;
  const expected = Buffer.from(keyB64, 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  let key: Buffer;
  try {
    key = await scryptAsync(password, Buffer.from(saltB64, 'base64'), { N, r: R, p: P });
  } catch {
    return false;
  }
  return timingSafeEqual(key, expected);
}

/** Decodes an HTTP Basic `Authorization` header; undefined if absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
