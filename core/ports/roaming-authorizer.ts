import type { AuthorizationDecision } from '../authorization.js';

/**
 * Tokens of roaming partners (OCPI 2.2.1 tokens module, issue #16) for the one place tokens are
 * judged (actors/actions/shared/authorize-token.ts), asked only for a token the CSMS's own token
 * table does not know. Implemented in ocpi/ (cached whitelist, real-time authorization at the
 * partner with a timeout and fallback) and handed to the handler thread by workers/.
 */
export interface RoamingAuthorizer {
  /** The decision for a partner's token, or undefined when no partner pushed this token. */
  authorize(tenantId: string, idToken: string, where: { stationId: string }): Promise<AuthorizationDecision | undefined>;
}
