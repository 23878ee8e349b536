import type { ConnectorStatus } from '../types.js';
import type { OcpiEvseStatus } from './types.js';

/**
 * Switchyard's own OCPI records (pure; stored through store.ocpi as documents): the CPO parties of
 * a tenant, its roaming partners, the OCPP mapping of a location's EVSEs. ocpi/ does the I/O.
 */

/** One of our CPO parties (OCPI 2.2.1 §7.4.1 CredentialsRole of role CPO); a tenant has one or more. */
export interface CpoParty {
  tenantId: string;
  countryCode: string;
  partyId: string;
  name: string;
  website?: string;
  createdAt: string;
}

/** invited: token A issued, no handshake yet; registered: tokens exchanged; unregistered: tokens void. */
export type PartnerStatus = 'invited' | 'registered' | 'unregistered';

export interface RoamingPartner {
  tenantId: string;
  id: string;
  name: string;
  status: PartnerStatus;
  /** Their parties (roles from their credentials); empty until the handshake. */
  roles: Array<{ role: string; countryCode: string; partyId: string; name: string }>;
  /** Their versions URL and the 2.2.1 endpoints found there. */
  versionsUrl: string | null;
  endpoints: Array<{ identifier: string; role: 'SENDER' | 'RECEIVER'; url: string }>;
  /** The credentials token we present to them (their token B or C); null before the handshake. */
  theirToken: string | null;
  /** When the token they present to us (A before the handshake, then C) was issued; only its hash is kept. */
  ourTokenIssuedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** Where an OCPI EVSE is in OCPP: the station and its EVSE (1.6: the connector number). */
export interface EvseMapping {
  stationId: string;
  evseId: number;
}

/** `NL*SWY`: the scope a party's objects are listed under. */
export function partyKey(countryCode: string, partyId: string): string {
  return `${countryCode.toUpperCase()}*${partyId.toUpperCase()}`;
}

/** OCPI 2.2.1 §8.4.22 EVSE status of the version-neutral OCPP connector status (core/types.ts). */
export function evseStatusOf(status: ConnectorStatus): OcpiEvseStatus {
  switch (status) {
    case 'Available': return 'AVAILABLE';
    case 'Occupied': return 'CHARGING';
    case 'Reserved': return 'RESERVED';
    case 'Unavailable': return 'INOPERATIVE';
    case 'Faulted': return 'OUTOFORDER';
    default: return 'UNKNOWN';
  }
}

/**
 * The wait before retry `attempt` (1 = after the first failure) of a delivery to a partner:
 * doubling from `baseMs`, capped at `maxMs`, with up to 20 % jitter taken from `random` (0..1).
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = 0): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.round(exp * (1 + 0.2 * random));
}

/**
 * The credentials token of an `Authorization: Token …` header. OCPI 2.2.1 §4.1.2: the header
 * carries base64(UTF-8 token); many 2.1.1/2.2 peers send it unencoded, so both readings are
 * returned (decoded first) and the caller accepts whichever matches a known token.
 */
export function credentialsTokenCandidates(header: string | undefined): string[] {
  if (!header) return [];
  const match = /^Token\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) return [];
  const raw = match[1]!;
  const out: string[] = [];
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0) {
    const decoded = Buffer.from(raw, 'base64').toString('utf8');
    // A decoding that is not printable ASCII was not an encoded token.
    if (decoded.length > 0 && /^[\x21-\x7e]+$/.test(decoded)) out.push(decoded);
  }
  if (!out.includes(raw)) out.push(raw);
  return out;
}

/** The header value we send: base64 of the UTF-8 token (§4.1.2). */
export function encodeCredentialsToken(token: string): string {
  return `Token ${Buffer.from(token, 'utf8').toString('base64')}`;
}
