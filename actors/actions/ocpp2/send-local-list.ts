import { idTokenInfo2 } from '../../../core/authorization.js';
import type { LocalListEntry, LocalListUpdate } from '../../../core/local-list.js';
import type { LocalListInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';

interface IdTokenInfo { status: string; cacheExpiryDateTime?: string; groupIdToken?: { idToken: string; type: string } }
export interface SendLocalListRequest2 {
  versionNumber: number;
  updateType: 'Full' | 'Differential';
  localAuthorizationList?: Array<{ idToken: { idToken: string; type: string }; idTokenInfo?: IdTokenInfo }>;
}

/** What the station holds once it accepted: read back from the payload, so raw sends count too. */
export const command: CommandSpec<SendLocalListRequest2, { status: string }> = {
  action: 'SendLocalList',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await ctx.store.tokens.applyLocalList(ctx.tenantId, ctx.stationId, localListUpdateOf(req));
  },
};

/** An entry without status removes its token (differential). */
export function toOcpp(input: LocalListInput): SendLocalListRequest2 {
  const list = input.entries.map((e) => ({
    idToken: { idToken: e.idToken, type: e.type },
    ...(e.status ? { idTokenInfo: idTokenInfo2({ status: e.status, expiresAt: e.expiresAt, groupId: e.groupId }) as unknown as IdTokenInfo } : {}),
  }));
  return { versionNumber: input.version, updateType: input.updateType, ...(list.length ? { localAuthorizationList: list } : {}) };
}

/** The version-neutral update a 2.x SendLocalList stands for. */
export function localListUpdateOf(req: SendLocalListRequest2): LocalListUpdate {
  const entries = (req.localAuthorizationList ?? []).map(({ idToken, idTokenInfo }): LocalListEntry => ({
    idToken: idToken.idToken,
    type: idToken.type,
    ...(idTokenInfo ? { status: idTokenInfo.status } : {}),
    ...(idTokenInfo?.cacheExpiryDateTime ? { expiresAt: idTokenInfo.cacheExpiryDateTime } : {}),
    ...(idTokenInfo?.groupIdToken ? { groupId: idTokenInfo.groupIdToken.idToken } : {}),
  }));
  return { updateType: req.updateType, version: req.versionNumber, entries };
}
