import { idTagInfo16 } from '../../../core/authorization.js';
import type { LocalListEntry, LocalListUpdate } from '../../../core/local-list.js';
import { IDTAG_TYPE_16 } from '../../../core/transaction-mapping-16.js';
import type { LocalListInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';

interface IdTagInfo { status: string; expiryDate?: string; parentIdTag?: string }
export interface SendLocalListRequest16 {
  listVersion: number;
  updateType: 'Full' | 'Differential';
  localAuthorizationList?: Array<{ idTag: string; idTagInfo?: IdTagInfo }>;
}

/** What the station holds once it accepted: read back from the payload, so raw sends count too. */
export const command: CommandSpec<SendLocalListRequest16, { status: string }> = {
  action: 'SendLocalList',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await ctx.store.tokens.applyLocalList(ctx.tenantId, ctx.stationId, localListUpdateOf(req));
  },
};

/** An entry without status removes its token (differential); 1.6 statuses outside its set become Invalid. */
export function toOcpp(input: LocalListInput): SendLocalListRequest16 {
  const list = input.entries.map((e) =>
    e.status
      ? { idTag: e.idToken, idTagInfo: idTagInfo16({ status: e.status, expiresAt: e.expiresAt, groupId: e.groupId }) as unknown as IdTagInfo }
      : { idTag: e.idToken },
  );
  return { listVersion: input.version, updateType: input.updateType, ...(list.length ? { localAuthorizationList: list } : {}) };
}

/** The version-neutral update a 1.6 SendLocalList stands for (1.6 idTags have no type). */
export function localListUpdateOf(req: SendLocalListRequest16): LocalListUpdate {
  const entries = (req.localAuthorizationList ?? []).map(({ idTag, idTagInfo }): LocalListEntry => ({
    idToken: idTag,
    type: IDTAG_TYPE_16,
    ...(idTagInfo ? { status: idTagInfo.status } : {}),
    ...(idTagInfo?.expiryDate ? { expiresAt: idTagInfo.expiryDate } : {}),
    ...(idTagInfo?.parentIdTag ? { groupId: idTagInfo.parentIdTag } : {}),
  }));
  return { updateType: req.updateType, version: req.listVersion, entries };
}
