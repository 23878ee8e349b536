import type { OcppVersion } from './protocols.js';

/** An id token as stored, per tenant. The token value is the key (case preserved as given). */
export interface IdTokenRecord {
  tenantId: string;
  idToken: string;
  type: string;
  /** 2.x AuthorizationStatus values; 1.6 answers map onto its smaller set. */
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'NoCredit' | 'NotAllowedTypeEVSE' | 'NotAtThisLocation' | 'NotAtThisTime';
  expiresAt: string | null;
  groupId: string | null;
  /**
   * May start a transaction while it has one running on another station (a fleet card shared by
   * several vehicles). Otherwise such a start is answered ConcurrentTx. Absent means false.
   */
  allowConcurrentTx?: boolean;
  /**
   * Site load management: sessions started with this token are served by this priority (higher
   * first; it overrides the priority of the EVSE's site attachment). A token whose record has
   * none takes its group's: the record of the token named by its groupId. Absent: none.
   */
  priority?: number | null;
  /** 'api' when an operator created it, 'auto' when accept-all recorded a token it saw. */
  source: 'api' | 'auto';
  createdAt: string;
  updatedAt: string;
}

export type UnknownTokenPolicy = 'reject' | 'accept-all';

export interface AuthorizationDecision {
  status: string;
  expiresAt?: string;
  groupId?: string;
}

/** Answer for a token from the store (or its absence) under the unknown-token policy. */
export function decide(token: IdTokenRecord | undefined, policy: UnknownTokenPolicy, now: Date): AuthorizationDecision {
  if (!token) return { status: policy === 'accept-all' ? 'Accepted' : 'Unknown' };
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime();
  const status = token.status === 'Accepted' && expired ? 'Expired' : token.status;
  const decision: AuthorizationDecision = { status };
  if (token.expiresAt) decision.expiresAt = token.expiresAt;
  if (token.groupId) decision.groupId = token.groupId;
  return decision;
}

const OCPP16_STATUSES = new Set(['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']);

/** 1.6 idTagInfo: statuses outside 1.6's set (Unknown, NoCredit, …) become Invalid. */
export function idTagInfo16(decision: AuthorizationDecision): Record<string, unknown> {
  const info: Record<string, unknown> = { status: OCPP16_STATUSES.has(decision.status) ? decision.status : 'Invalid' };
  if (decision.expiresAt) info.expiryDate = decision.expiresAt;
  // 1.6 parentIdTag is limited to 20 characters.
  if (decision.groupId && decision.groupId.length <= 20) info.parentIdTag = decision.groupId;
  return info;
}

/** 2.x idTokenInfo. The group token's type is not stored, so it is sent as Central (a CSMS-made id). */
export function idTokenInfo2(decision: AuthorizationDecision): Record<string, unknown> {
  const info: Record<string, unknown> = { status: decision.status };
  if (decision.expiresAt) info.cacheExpiryDateTime = decision.expiresAt;
  if (decision.groupId) info.groupIdToken = { idToken: decision.groupId, type: 'Central' };
  return info;
}

export function authorizationInfo(version: OcppVersion, decision: AuthorizationDecision): Record<string, unknown> {
  return version === 'ocpp1.6' ? idTagInfo16(decision) : idTokenInfo2(decision);
}
