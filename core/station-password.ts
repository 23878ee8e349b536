import { randomInt } from 'node:crypto';

/**
 * Station Basic-auth passwords as OCPP defines them.
 * - 2.0.1/2.1 `SecurityCtrlr.BasicAuthPassword` (A00.FR.205): a passwordString of at least 16
 *   characters and at most the variable's maxLimit, which is at least 40 — so 40 is the most every
 *   station takes; passwordString (Part 2 §2.1.4) allows only a-z A-Z 0-9 * - _ = : + | @ .
 * - 1.6 security whitepaper `AuthorizationKey` (A00.FR.205): 16 to 20 bytes, sent in
 *   ChangeConfiguration as hexadecimal (up to 40 hex digits); the station decodes it and uses the
 *   octets as its password. Our passwords are ASCII, so a 1.6 password is 16 to 20 characters.
 */
export const PASSWORD_MIN = 16;
export const PASSWORD_MAX = 40;
export const PASSWORD_MAX_16 = 20;
export const PASSWORD_CHARSET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.';
/** The same rule as a JSON-schema pattern (for the API schemas). */
export const PASSWORD_PATTERN = '^[A-Za-z0-9*\\-_=:+|@.]{16,40}$';

const ALLOWED = new Set(PASSWORD_CHARSET);

/** Why a password cannot be a station's password, or undefined when it can. */
export function passwordProblem(password: string, forOcpp16 = false): string | undefined {
  const max = forOcpp16 ? PASSWORD_MAX_16 : PASSWORD_MAX;
  if (password.length < PASSWORD_MIN || password.length > max) {
    return `must be ${PASSWORD_MIN} to ${max} characters${forOcpp16 ? ' for an OCPP 1.6 station (AuthorizationKey: 16 to 20 bytes)' : ''}, got ${password.length}`;
  }
  for (const ch of password) if (!ALLOWED.has(ch)) return `character '${ch}' is not allowed (OCPP passwordString: a-z A-Z 0-9 * - _ = : + | @ .)`;
  return undefined;
}

/** A random password from the OCPP character set (uniform: randomInt has no modulo bias). */
export function generatePassword(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_CHARSET[randomInt(PASSWORD_CHARSET.length)];
  return out;
}

/** The 1.6 AuthorizationKey value for a password: its octets in hexadecimal. */
export function authorizationKeyHex(password: string): string {
  return Buffer.from(password, 'utf8').toString('hex').toUpperCase();
}

const REDACTED = '[redacted]';

/**
 * A CSMS→station CALL frame with the station's new password blanked out (SetVariables
 * SecurityCtrlr.BasicAuthPassword, ChangeConfiguration AuthorizationKey), for the message log and
 * debug logs: the CSMS keeps only password hashes. Other frames come back unchanged (one
 * substring test each; only frames that name a password variable are parsed).
 */
export function redactPasswordFrame(text: string): string {
  if (!text.includes('BasicAuthPassword') && !text.includes('AuthorizationKey')) return text;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(frame) || frame[0] !== 2 || typeof frame[3] !== 'object' || frame[3] === null) return text;
  const payload = frame[3] as { key?: unknown; value?: unknown; setVariableData?: unknown };
  let changed = false;
  if (frame[2] === 'ChangeConfiguration' && payload.key === 'AuthorizationKey' && 'value' in payload) {
    payload.value = REDACTED;
    changed = true;
  }
  if (frame[2] === 'SetVariables' && Array.isArray(payload.setVariableData)) {
    for (const d of payload.setVariableData as Array<{ component?: { name?: unknown }; variable?: { name?: unknown }; attributeValue?: unknown }>) {
      if (d?.component?.name === 'SecurityCtrlr' && d.variable?.name === 'BasicAuthPassword') {
        d.attributeValue = REDACTED;
        changed = true;
      }
    }
  }
  return changed ? JSON.stringify(frame) : text;
}
