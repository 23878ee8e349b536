import t from 'tap';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  ANSWER_WINDOW_MS,
  LATEST_REQUEST_OF,
  REQUEST_FLOWS,
  STATION_STARTED_FLOWS,
  applyAnswer,
  applyNotification,
  newRequest,
  requestActionsOf,
  withTimeOut,
  type RequestNotification,
  type RequestStatus,
  type StationRequest,
} from '../../core/requests.js';

// The request state machine, pure: answers, parts, statuses, time-outs, and the flow table
// checked against the official schemas.

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function request(action: string): StationRequest {
  return newRequest({ tenantId: 't1', stationId: 'CS1', action, requestId: 7, at: T0 });
}

/** Runs answer and notifications in order; returns the last transition and every outcome. */
function run(action: string, answer: string | undefined, notes: Array<Omit<RequestNotification, 'action'> & { action?: string }>) {
  const flow = REQUEST_FLOWS[action]!;
  let r = request(action);
  const outcomes: string[] = [];
  if (answer !== undefined) {
    const step = applyAnswer(r, { status: answer }, at(1));
    outcomes.push(step.outcome);
    r = step.request;
  }
  notes.forEach((note, i) => {
    const step = applyNotification(r, { action: flow.notification, ...note }, at(2 + i));
    outcomes.push(step.outcome);
    r = step.request;
  });
  return { request: r, outcomes };
}

t.test('a new request waits for its answer', async (t) => {
  const r = request('GetBaseReport');
  t.match(r, { status: 'requested', answer: null, parts: 0, seqNos: [], lastSeqNo: null, finalSeqNo: null, createdAt: T0, updatedAt: T0 });
  t.equal(r.expiresAt, new Date(Date.parse(T0) + ANSWER_WINDOW_MS).toISOString());
});

t.test('answers, per action', async (t) => {
  const cases: Array<[string, string, RequestStatus]> = [
    ['GetBaseReport', 'Accepted', 'accepted'],
    ['GetBaseReport', 'Rejected', 'rejected'],
    ['GetBaseReport', 'NotSupported', 'rejected'],
    ['GetBaseReport', 'EmptyResultSet', 'complete'],
    ['GetReport', 'EmptyResultSet', 'complete'],
    ['GetMonitoringReport', 'Accepted', 'accepted'],
    ['CustomerInformation', 'Invalid', 'rejected'],
    ['GetChargingProfiles', 'NoProfiles', 'complete'],
    ['GetChargingProfiles', 'Accepted', 'accepted'],
    ['GetDisplayMessages', 'Unknown', 'complete'],
    ['GetDERControl', 'NotFound', 'complete'],
    ['GetLog', 'AcceptedCanceled', 'accepted'],
    ['GetLog', 'Rejected', 'rejected'],
    ['UpdateFirmware', 'AcceptedCanceled', 'accepted'],
    ['UpdateFirmware', 'InvalidCertificate', 'rejected'],
    ['SignedUpdateFirmware', 'RevokedCertificate', 'rejected'],
    ['PublishFirmware', 'Accepted', 'accepted'],
  ];
  for (const [action, answer, status] of cases) {
    const { request: r } = run(action, answer, []);
    t.equal(r.status, status, `${action} ${answer} → ${status}`);
    t.equal(r.answer, answer);
    t.equal(r.error, status === 'rejected' ? answer : null, `${action} ${answer}: error`);
    t.equal(r.expiresAt === null, status !== 'accepted', `${action} ${answer}: deadline only while open`);
  }
  const reason = applyAnswer(request('GetLog'), { status: 'Rejected', reason: 'NoLog', details: { filename: 'x' } }, at(1));
  t.match(reason.request, { status: 'rejected', error: 'NoLog', result: { filename: 'x' } });
  const twice = applyAnswer(reason.request, { status: 'Accepted' }, at(2));
  t.equal(twice.outcome, 'duplicate', 'only the first answer counts');
  t.equal(applyAnswer(request('Reset'), { status: 'Accepted' }, at(1)).outcome, 'ignored', 'an action without a flow');
});

t.test('parts numbered by seqNo: order, gaps and repeats', async (t) => {
  const cases: Array<{ name: string; notes: Array<{ seqNo: number; tbc?: boolean }>; status: RequestStatus; outcomes: string[]; parts: number }> = [
    { name: 'one part', notes: [{ seqNo: 0 }], status: 'complete', outcomes: ['applied', 'applied'], parts: 1 },
    { name: 'in order', notes: [{ seqNo: 0, tbc: true }, { seqNo: 1, tbc: true }, { seqNo: 2, tbc: false }], status: 'complete', outcomes: ['applied', 'applied', 'applied', 'applied'], parts: 3 },
    { name: 'last first', notes: [{ seqNo: 2 }, { seqNo: 1, tbc: true }, { seqNo: 0, tbc: true }], status: 'complete', outcomes: ['applied', 'applied', 'applied', 'applied'], parts: 3 },
    { name: 'a gap', notes: [{ seqNo: 0, tbc: true }, { seqNo: 2 }], status: 'receiving', outcomes: ['applied', 'applied', 'applied'], parts: 2 },
    { name: 'a repeat', notes: [{ seqNo: 0, tbc: true }, { seqNo: 0, tbc: true }, { seqNo: 1 }], status: 'complete', outcomes: ['applied', 'applied', 'duplicate', 'applied'], parts: 2 },
    { name: 'a repeat after the end', notes: [{ seqNo: 0 }, { seqNo: 0 }], status: 'complete', outcomes: ['applied', 'applied', 'duplicate'], parts: 1 },
    { name: 'parts still coming', notes: [{ seqNo: 1, tbc: true }, { seqNo: 0, tbc: true }], status: 'receiving', outcomes: ['applied', 'applied', 'applied'], parts: 2 },
    { name: 'a part beyond the last', notes: [{ seqNo: 2 }, { seqNo: 3, tbc: true }], status: 'failed', outcomes: ['applied', 'applied', 'applied'], parts: 2 },
    { name: 'a new part after the end', notes: [{ seqNo: 0 }, { seqNo: 1 }], status: 'complete', outcomes: ['applied', 'applied', 'ignored'], parts: 1 },
  ];
  for (const action of ['GetBaseReport', 'GetMonitoringReport', 'CustomerInformation']) {
    for (const c of cases) {
      const { request: r, outcomes } = run(action, 'Accepted', c.notes);
      t.equal(r.status, c.status, `${action}, ${c.name}: ${c.status}`);
      t.same(outcomes, c.outcomes, `${action}, ${c.name}: outcomes`);
      t.equal(r.parts, c.parts, `${action}, ${c.name}: parts`);
    }
  }
  const { request: r } = run('GetReport', 'Accepted', [{ seqNo: 3 }, { seqNo: 0, tbc: true }]);
  t.match(r, { seqNos: [0, 3], lastSeqNo: 3, finalSeqNo: 3, status: 'receiving', updatedAt: at(3) });
  t.equal(r.expiresAt, new Date(Date.parse(at(3)) + REQUEST_FLOWS.GetReport!.windowMs).toISOString(), 'each message moves the deadline');
  t.match(run('GetBaseReport', 'Accepted', [{ seqNo: 2 }, { seqNo: 3, tbc: true }]).request.error, /part 3 after the last part 2/);
  t.match(run('GetBaseReport', 'Accepted', [{ seqNo: 2 }, { seqNo: 3 }]).request, { status: 'failed', error: 'two last parts: 2 and 3' });
});

t.test('parts without seqNo end with tbc=false', async (t) => {
  for (const action of ['GetChargingProfiles', 'GetDisplayMessages', 'GetDERControl']) {
    t.match(run(action, 'Accepted', [{ tbc: true }, { tbc: true }]).request, { status: 'receiving', parts: 2 }, `${action}: more to come`);
    const done = run(action, 'Accepted', [{ tbc: true }, {}, { tbc: true }]);
    t.match(done.request, { status: 'complete', parts: 2 }, `${action}: the last part ends it`);
    t.same(done.outcomes, ['applied', 'applied', 'applied', 'ignored'], `${action}: a part after the end changes nothing`);
  }
});

t.test('status flows: progress, end, failure, repeats', async (t) => {
  const cases: Array<[string, string[], RequestStatus, string[]]> = [
    ['GetLog', ['Uploading', 'Uploaded'], 'complete', ['applied', 'applied', 'applied']],
    ['GetLog', ['Uploading', 'Uploading', 'UploadFailure'], 'failed', ['applied', 'applied', 'duplicate', 'applied']],
    ['GetLog', ['Idle'], 'accepted', ['applied', 'ignored']],
    ['GetLog', ['Uploaded', 'Uploading'], 'complete', ['applied', 'applied', 'ignored']],
    ['GetLog', ['Uploaded', 'Uploaded'], 'complete', ['applied', 'applied', 'duplicate']],
    ['UpdateFirmware', ['DownloadScheduled', 'Downloading', 'Downloaded', 'Installing', 'InstallRebooting', 'Installed'], 'complete', ['applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied']],
    ['UpdateFirmware', ['Downloading', 'DownloadFailed'], 'failed', ['applied', 'applied', 'applied']],
    ['SignedUpdateFirmware', ['Downloaded', 'InvalidSignature'], 'failed', ['applied', 'applied', 'applied']],
    ['PublishFirmware', ['Downloading', 'ChecksumVerified', 'Published'], 'complete', ['applied', 'applied', 'applied', 'applied']],
    ['PublishFirmware', ['InvalidChecksum'], 'failed', ['applied', 'applied']],
  ];
  for (const [action, statuses, status, outcomes] of cases) {
    const result = run(action, 'Accepted', statuses.map((s) => ({ status: s })));
    t.equal(result.request.status, status, `${action} ${statuses.join(' → ')}: ${status}`);
    t.same(result.outcomes, outcomes, `${action} ${statuses.join(' → ')}: outcomes`);
  }
  const failed = run('GetLog', 'Accepted', [{ status: 'PermissionDenied' }]).request;
  t.match(failed, { status: 'failed', error: 'PermissionDenied', progress: 'PermissionDenied', expiresAt: null });
  t.equal(run('GetLog', 'Accepted', [{}]).outcomes[1], 'ignored', 'a status flow needs a status');
});

t.test('a notification before the answer; the answer after it', async (t) => {
  const early = applyNotification(request('GetBaseReport'), { action: 'NotifyReport', seqNo: 0, tbc: true }, at(1));
  t.match(early, { outcome: 'applied', request: { status: 'receiving', answer: null } });
  const answer = applyAnswer(early.request, { status: 'Accepted' }, at(2));
  t.match(answer, { outcome: 'applied', request: { status: 'receiving', answer: 'Accepted' } });
  const contradicting = applyAnswer(early.request, { status: 'Rejected' }, at(2));
  t.match(contradicting.request, { status: 'receiving', answer: 'Rejected', error: null }, 'the parts that came say more than the answer');
});

t.test('notifications that are not for the request change nothing', async (t) => {
  const accepted = applyAnswer(request('GetBaseReport'), { status: 'Accepted' }, at(1)).request;
  t.equal(applyNotification(accepted, { action: 'NotifyMonitoringReport', seqNo: 0 }, at(2)).outcome, 'ignored', 'another flow’s notification');
  const rejected = applyAnswer(request('GetBaseReport'), { status: 'Rejected' }, at(1)).request;
  t.equal(applyNotification(rejected, { action: 'NotifyReport', seqNo: 0 }, at(2)).outcome, 'ignored', 'after a rejection');
  const summary = applyNotification(accepted, { action: 'NotifyReport', seqNo: 0, tbc: true, summary: { variables: 12 } }, at(2)).request;
  t.same(applyNotification(summary, { action: 'NotifyReport', seqNo: 1, summary: { components: 3 } }, at(3)).request.result, { variables: 12, components: 3 });
});

t.test('time-outs as a reader sees them', async (t) => {
  const r = request('GetBaseReport');
  t.equal(withTimeOut(r, at(1)).status, 'requested');
  t.equal(withTimeOut(r, r.expiresAt!).status, 'timed-out', 'at the deadline');
  const accepted = applyAnswer(r, { status: 'Accepted' }, at(1)).request;
  t.equal(withTimeOut(accepted, at(60)).status, 'accepted');
  t.equal(withTimeOut(accepted, at(11 * 60)).status, 'timed-out', 'no part within ten minutes');
  const done = applyNotification(accepted, { action: 'NotifyReport', seqNo: 0 }, at(2)).request;
  t.equal(withTimeOut(done, at(100 * 60 * 60)).status, 'complete', 'an ended request never times out');
  const late = applyNotification(accepted, { action: 'NotifyReport', seqNo: 0 }, at(20 * 60));
  t.equal(late.request.status, 'complete', 'a late part still applies');
});

t.test('every flow matches the official schemas', async (t) => {
  const require = createRequire(import.meta.url);
  const docs = ['ocpp1_6', 'ocpp2_0_1', 'ocpp2_1'].map((name) => ({
    name,
    byId: new Map(
      (JSON.parse(readFileSync(require.resolve(`ocpp-rpc/lib/schemas/${name}.json`), 'utf8')) as Array<Record<string, any>>).map((s) => [s.$id as string, s]),
    ),
  }));
  const find = (action: string, part: 'req' | 'conf') =>
    docs.flatMap(({ name, byId }) => {
      const s = byId.get(`urn:${action}.${part}`) ?? byId.get(`urn:${action}${part === 'req' ? 'Request' : 'Response'}`);
      return s ? [{ name, schema: s }] : [];
    });
  const enumOf = (schema: Record<string, any>, prop: string): string[] => {
    const p = schema.properties?.[prop];
    if (!p) return [];
    const def = p.$ref ? schema.definitions[p.$ref.split('/').pop()] : p;
    return def.enum ?? [];
  };
  for (const flow of Object.values(REQUEST_FLOWS)) {
    if (STATION_STARTED_FLOWS.includes(flow.action)) {
      // The station's request, our answer, the station's answer to our call: statuses of the .conf schemas.
      for (const { name, schema } of find(flow.action, 'conf')) for (const s of flow.accepted) t.ok(enumOf(schema, 'status').includes(s), `${name} ${flow.action} answers ${s}`);
      const finals = find(flow.notification, 'conf');
      t.ok(finals.length >= 2, `${flow.notification} in 1.6 and 2.x`);
      if (flow.progress.kind === 'status') {
        for (const { name, schema } of finals) for (const s of [...flow.progress.done, 'Rejected']) t.ok(enumOf(schema, 'status').includes(s), `${name} ${flow.notification} answers ${s}`);
      }
      continue;
    }
    // Versions where the action carries no requestId (1.6 UpdateFirmware) do not use the flow;
    // test/actors/request-correlation.test.ts checks that their tables do not either.
    const requests = find(flow.action, 'req').filter(({ schema }) => schema.required?.includes('requestId'));
    const latestBy = Object.entries(LATEST_REQUEST_OF).find(([, action]) => action === flow.action)?.[0];
    t.ok(requests.length > 0 || latestBy === flow.notification, `${flow.action} carries requestId in some version, or its 1.6 notification completes the newest request`);
    if (latestBy) {
      // 1.6: the action exists without requestId, its notification names none, and ends with the flow's done status.
      const v16 = find(latestBy, 'req').find((s) => s.name === 'ocpp1_6');
      t.ok(v16 && !v16.schema.properties.requestId, `ocpp1_6 ${latestBy} names no request`);
      t.ok(find(flow.action, 'req').some((s) => s.name === 'ocpp1_6'), `ocpp1_6 has ${flow.action}`);
      const statuses = enumOf(v16!.schema, 'status');
      if (flow.progress.kind === 'status') for (const s of [...flow.progress.done, ...flow.progress.ignored]) t.ok(statuses.includes(s), `ocpp1_6 ${latestBy} has status ${s}`);
    }
    for (const { name } of requests) {
      const answers = enumOf(find(flow.action, 'conf').find((s) => s.name === name)!.schema, 'status');
      for (const s of [...flow.accepted, ...flow.empty]) t.ok(answers.includes(s), `${name} ${flow.action} answers ${s}`);
      const notification = find(flow.notification, 'req').find((s) => s.name === name);
      t.ok(notification, `${name} has ${flow.notification}`);
      const props = notification!.schema.properties;
      t.ok(props.requestId, `${name} ${flow.notification} carries requestId`);
      if (flow.progress.kind === 'parts') {
        t.ok(props.tbc, `${name} ${flow.notification} has tbc`);
        t.equal(Boolean(props.seqNo), flow.progress.seqNo, `${name} ${flow.notification}: seqNo ${flow.progress.seqNo ? 'present' : 'absent'}`);
      } else {
        const statuses = enumOf(notification!.schema, 'status');
        for (const s of [...flow.progress.done, ...flow.progress.failed, ...flow.progress.ignored]) {
          t.ok(statuses.includes(s), `${name} ${flow.notification} has status ${s}`);
        }
      }
    }
  }
  t.same(requestActionsOf('NotifyReport'), ['GetBaseReport', 'GetReport']);
  t.same(requestActionsOf('Heartbeat'), []);
});

t.test('reports that never finish: timeOutReport closes open report requests failed, with what is missing', async (t) => {
  const { timeOutReport, incompleteReason, seqNoRanges, REPORT_ACTIONS } = await import('../../core/requests.js');
  t.same([...REPORT_ACTIONS].sort(), ['CustomerInformation', 'GetBaseReport', 'GetChargingProfiles', 'GetDERControl', 'GetDisplayMessages', 'GetMonitoringReport', 'GetReport']);
  t.equal(seqNoRanges([0, 1, 2, 5, 7, 8]), '0-2, 5, 7-8');
  t.equal(seqNoRanges([1, 3, 5], 2), '1, 3, …');
  let r = newRequest({ tenantId: 't', stationId: 's', action: 'GetBaseReport', requestId: 1, at: at(0) });
  t.equal(incompleteReason(r), 'no answer and no part received');
  r = applyAnswer(r, { status: 'Accepted' }, at(1)).request;
  t.equal(incompleteReason(r), 'no part received');
  for (const seqNo of [4, 0, 1]) r = applyNotification(r, { action: 'NotifyReport', seqNo, tbc: seqNo !== 4 }, at(2)).request;
  t.equal(incompleteReason(r), 'received seqNo 0-1, 4; missing seqNo 2-3');
  const closed = timeOutReport(r, at(900), 600);
  t.match(closed, { outcome: 'applied', request: { status: 'failed', expiresAt: null, updatedAt: at(900), seqNos: [0, 1, 4], error: 'timed out after 600 s without a message: received seqNo 0-1, 4; missing seqNo 2-3' } });
  t.equal(timeOutReport(closed.request, at(901), 600).outcome, 'ignored', 'closed once');
  const log = applyAnswer(newRequest({ tenantId: 't', stationId: 's', action: 'GetLog', requestId: 2, at: at(0) }), { status: 'Accepted' }, at(1)).request;
  t.equal(timeOutReport(log, at(900), 600).outcome, 'ignored', 'status flows are not report flows');
});

t.test('a request holds at most MAX_REQUEST_PARTS parts: past it the request fails', async (t) => {
  const { MAX_REQUEST_PARTS } = await import('../../core/requests.js');
  let r = applyAnswer(newRequest({ tenantId: 't', stationId: 's', action: 'GetReport', requestId: 1, at: at(0) }), { status: 'Accepted' }, at(1)).request;
  r = { ...r, seqNos: Array.from({ length: MAX_REQUEST_PARTS }, (_, i) => i), parts: MAX_REQUEST_PARTS, lastSeqNo: MAX_REQUEST_PARTS - 1, status: 'receiving' };
  t.match(applyNotification(r, { action: 'NotifyReport', seqNo: 5, tbc: true }, at(2)), { outcome: 'duplicate' }, 'a repeat is still a repeat');
  t.match(applyNotification(r, { action: 'NotifyReport', seqNo: MAX_REQUEST_PARTS, tbc: true }, at(2)), { outcome: 'applied', request: { status: 'failed', error: `more than ${MAX_REQUEST_PARTS} parts`, parts: MAX_REQUEST_PARTS } });
  let u = applyAnswer(newRequest({ tenantId: 't', stationId: 's', action: 'GetChargingProfiles', requestId: 2, at: at(0) }), { status: 'Accepted' }, at(1)).request;
  u = { ...u, parts: MAX_REQUEST_PARTS, status: 'receiving' };
  t.match(applyNotification(u, { action: 'ReportChargingProfiles', tbc: true }, at(2)), { request: { status: 'failed', error: `more than ${MAX_REQUEST_PARTS} parts` } }, 'unnumbered parts too');
});
