import type { Logger } from 'pino';
import type { AuthorizationDecision } from '../core/authorization.js';
import type { RoamingPartner } from '../core/ocpi/roaming.js';
import type { OcpiAllowed, OcpiAuthorizationInfo, OcpiToken } from '../core/ocpi/types.js';
import type { RoamingAuthorizer } from '../core/ports/roaming-authorizer.js';
import type { OcpiStore } from '../core/ports/store/ocpi-store.js';
import { callPartner } from './client.js';

/** A partner's token as kept (doc id = uid upper-cased: stations present it case-insensitively). */
export interface StoredToken {
  partnerId: string;
  token: OcpiToken;
}

export const tokenDocId = (uid: string): string => uid.toUpperCase();

const ALLOWED_STATUS: Record<OcpiAllowed, string> = {
  ALLOWED: 'Accepted', BLOCKED: 'Blocked', EXPIRED: 'Expired', NO_CREDIT: 'NoCredit', NOT_ALLOWED: 'NotAtThisLocation',
};

/**
 * Judges a partner's token for the handler thread (OCPI 2.2.1 §12.1.3, §12.4.5): invalid →
 * Invalid; whitelist ALWAYS or ALLOWED → accepted from the pushed copy; ALLOWED_OFFLINE and NEVER
 * → real-time authorization at the partner (`POST {tokens}/{uid}/authorize`) within `timeoutMs`;
 * when that fails, ALLOWED_OFFLINE falls back to the copy (accepted) and NEVER is refused.
 */
export class OcpiTokenAuthorizer implements RoamingAuthorizer {
  constructor(
    private readonly store: Pick<OcpiStore, 'getDoc'>,
    private readonly options: { timeoutMs: number; log: Pick<Logger, 'info' | 'warn'> },
  ) {}

  async authorize(tenantId: string, idToken: string, where: { stationId: string }): Promise<AuthorizationDecision | undefined> {
    const doc = await this.store.getDoc<StoredToken>('token', tenantId, tokenDocId(idToken));
    if (!doc) return undefined;
    const { token, partnerId } = doc.body;
    const group = token.group_id ? { groupId: token.group_id } : {};
    if (!token.valid) return { status: 'Invalid' };
    if (token.whitelist === 'ALWAYS' || token.whitelist === 'ALLOWED') return { status: 'Accepted', ...group };
    const realtime = await this.realtime(tenantId, partnerId, token, where.stationId);
    if (realtime) return { status: realtime, ...(realtime === 'Accepted' ? group : {}) };
    return token.whitelist === 'ALLOWED_OFFLINE' ? { status: 'Accepted', ...group } : { status: 'Invalid' };
  }

  private async realtime(tenantId: string, partnerId: string, token: OcpiToken, stationId: string): Promise<string | undefined> {
    const fields = { tenantId, partnerId, uid: token.uid, stationId, whitelist: token.whitelist };
    const partner = (await this.store.getDoc<RoamingPartner>('partner', tenantId, partnerId))?.body;
    const base = partner?.status === 'registered' ? partner.endpoints.find((e) => e.identifier === 'tokens' && e.role === 'SENDER')?.url : undefined;
    if (!partner?.theirToken || !base) {
      this.options.log.warn(fields, 'OCPI real-time authorization impossible: partner not registered or without a tokens endpoint');
      return undefined;
    }
    const url = `${base.replace(/\/+$/, '')}/${encodeURIComponent(token.uid)}/authorize?type=${token.type}`;
    const answer = await callPartner('POST', url, partner.theirToken, { timeoutMs: this.options.timeoutMs });
    if (!answer.ok) {
      // 2004: the partner does not know the token (§12.2.2.1): a refusal, not a failure.
      if (answer.body?.status_code === 2004) return 'Invalid';
      this.options.log.warn({ ...fields, url, httpStatus: answer.httpStatus, ocpiStatus: answer.body?.status_code ?? null, error: answer.error }, 'OCPI real-time authorization failed: fallback');
      return undefined;
    }
    const allowed = (answer.body?.data as OcpiAuthorizationInfo | undefined)?.allowed;
    const status = allowed ? ALLOWED_STATUS[allowed] : undefined;
    this.options.log.info({ ...fields, allowed: allowed ?? null, ms: answer.ms }, 'OCPI real-time authorization');
    return status;
  }
}
