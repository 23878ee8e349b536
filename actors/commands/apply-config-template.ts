import { settingsFor, type TemplateSetting } from '../../core/config-template.js';
import type { Payload } from '../../core/frame.js';
import type { OcppVersion } from '../../core/protocols.js';
import { changeConfiguration } from './change-configuration.js';
import { setVariables } from './set-variables.js';
import type { StationCommands } from './station-commands.js';

/** The station's answer for one setting: its OCPP status (Accepted, Rejected, RebootRequired, …) or why none came. */
export interface AppliedSetting {
  setting: TemplateSetting;
  status: string;
}

export type ApplyStatus = 'applied' | 'partial' | 'rejected' | 'nothing-to-apply' | 'not-connected' | 'failed';

export interface ApplyOutcome {
  stationId: string;
  protocol?: OcppVersion;
  /** applied: every setting Accepted or RebootRequired; partial: some; rejected: none. */
  status: ApplyStatus;
  /** A setting the station took needs a reboot to take effect. */
  rebootRequired: boolean;
  items: AppliedSetting[];
  /** Why the station could not be asked (not connected, call failed or timed out). */
  error?: string;
}

/** 2.x stations limit items per SetVariables (DeviceDataCtrlr.ItemsPerMessage); 10 is within every limit seen. */
const SET_VARIABLES_CHUNK = 10;
const TOOK = new Set(['Accepted', 'RebootRequired']);

/**
 * Applies a template's settings to one connected station through the station-commands service
 * (so the device model records what the station took, as for any SetVariables or
 * ChangeConfiguration): 1.6 keys one ChangeConfiguration each, 2.x settings in SetVariables
 * batches. The station's own answers decide; nothing is assumed.
 */
export async function applyConfigTemplate(
  commands: StationCommands,
  tenantId: string,
  stationId: string,
  protocol: OcppVersion,
  settings: TemplateSetting[],
): Promise<ApplyOutcome> {
  const mine = settingsFor(protocol, settings);
  const outcome = (status: ApplyStatus, items: AppliedSetting[], error?: string): ApplyOutcome => ({
    stationId,
    protocol,
    status,
    rebootRequired: items.some((i) => i.status === 'RebootRequired'),
    items,
    ...(error ? { error } : {}),
  });
  if (mine.length === 0) return outcome('nothing-to-apply', []);
  const items: AppliedSetting[] = [];
  try {
    if (protocol === 'ocpp1.6') {
      for (const setting of mine) {
        const { reply } = await commands.run(tenantId, stationId, changeConfiguration, { key: setting.variable, value: setting.value });
        const answer = answered(reply);
        if (answer.error !== undefined) return finish(outcome, items, mine, answer.error, answer.notConnected);
        items.push({ setting, status: String((answer.payload as { status?: unknown }).status ?? 'Unknown') });
      }
    } else {
      for (let i = 0; i < mine.length; i += SET_VARIABLES_CHUNK) {
        const chunk = mine.slice(i, i + SET_VARIABLES_CHUNK);
        const { reply } = await commands.run(tenantId, stationId, setVariables, {
          variables: chunk.map((s) => ({
            component: s.component,
            componentInstance: s.componentInstance,
            evseId: s.evseId,
            connectorId: s.connectorId,
            variable: s.variable,
            variableInstance: s.variableInstance,
            attributeType: s.attributeType,
            value: s.value,
          })),
        });
        const answer = answered(reply);
        if (answer.error !== undefined) return finish(outcome, items, mine, answer.error, answer.notConnected);
        const results = ((answer.payload as { setVariableResult?: Array<{ attributeStatus?: string }> }).setVariableResult ?? []);
        chunk.forEach((setting, k) => items.push({ setting, status: results[k]?.attributeStatus ?? 'NoAnswer' }));
      }
    }
  } catch (error) {
    return finish(outcome, items, mine, (error as Error).message, false);
  }
  const took = items.filter((i) => TOOK.has(i.status)).length;
  return outcome(took === items.length ? 'applied' : took === 0 ? 'rejected' : 'partial', items);
}

function answered(reply: Awaited<ReturnType<StationCommands['send']>>): { payload: Payload; error?: undefined } | { error: string; notConnected: boolean } {
  if (reply.status === 'result') return { payload: reply.payload };
  if (reply.status === 'callerror') return { error: `station answered ${reply.code}: ${reply.description}`, notConnected: false };
  return { error: reply.message, notConnected: reply.reason === 'disconnected' };
}

/** The settings already answered keep their status; the rest were never sent. */
function finish(
  outcome: (status: ApplyStatus, items: AppliedSetting[], error?: string) => ApplyOutcome,
  items: AppliedSetting[],
  all: TemplateSetting[],
  error: string,
  notConnected: boolean,
): ApplyOutcome {
  const notSent = all.slice(items.length).map((setting) => ({ setting, status: 'NotSent' }));
  const status: ApplyStatus = items.length === 0 && notConnected ? 'not-connected' : items.some((i) => TOOK.has(i.status)) ? 'partial' : 'failed';
  return outcome(status, [...items, ...notSent], error);
}
