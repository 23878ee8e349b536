import { OCPP16_COMPONENT } from './configuration-results.js';
import { deviceModelKey, type DeviceModelEntry } from './device-model.js';
import type { OcppVersion } from './protocols.js';

/**
 * Configuration templates: a named set of settings an operator wants on a fleet (per model or
 * group), applied to one station or many, and compared with what each station reports (drift).
 *
 * One version-neutral shape: a 2.x setting names a component and variable of the device model;
 * a 1.6 configuration key is a variable of the component `OCPP16` (as the device model stores
 * 1.6 keys), so one template may carry settings for both and each station gets its own.
 */
export interface TemplateSetting {
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  /** 2.x attribute (Actual unless given); 1.6 keys have only their value. */
  attributeType?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
  value: string;
}

/** Which stations a template is meant for when it is applied without a list: all given fields must match. */
export interface TemplateMatch {
  vendor?: string;
  model?: string;
}

export interface ConfigTemplate {
  tenantId: string;
  name: string;
  description?: string;
  match: TemplateMatch;
  settings: TemplateSetting[];
  updatedAt: string;
}

/** Why a template cannot be stored, one line per problem; empty when it is fine. */
export function templateProblems(settings: TemplateSetting[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  settings.forEach((s, i) => {
    const key = settingKey(s);
    if (seen.has(key)) problems.push(`settings[${i}]: ${describe(s)} is set twice`);
    seen.add(key);
    if (s.component === OCPP16_COMPONENT && (s.componentInstance !== undefined || s.evseId !== undefined || s.connectorId !== undefined || s.variableInstance !== undefined || (s.attributeType ?? 'Actual') !== 'Actual')) {
      problems.push(`settings[${i}]: a 1.6 key (component ${OCPP16_COMPONENT}) has only a name and a value`);
    }
    if (s.connectorId !== undefined && s.evseId === undefined) problems.push(`settings[${i}]: connectorId needs evseId`);
  });
  return problems;
}

/** The settings that apply to a station speaking `protocol`: 1.6 keys to 1.6 stations, the rest to 2.x. */
export function settingsFor(protocol: OcppVersion, settings: TemplateSetting[]): TemplateSetting[] {
  const is16 = protocol === 'ocpp1.6';
  return settings.filter((s) => (s.component === OCPP16_COMPONENT) === is16);
}

export function matchesStation(match: TemplateMatch, station: { vendor?: string | null; model?: string | null }): boolean {
  return (match.vendor === undefined || match.vendor === station.vendor) && (match.model === undefined || match.model === station.model);
}

export type DriftStatus = 'ok' | 'differs' | 'unknown';

export interface DriftItem {
  setting: TemplateSetting;
  expected: string;
  /** The station's value of that attribute as last reported; null when the device model does not have it. */
  actual: string | null;
  status: DriftStatus;
}

export interface DriftReport {
  items: DriftItem[];
  /** Settings whose reported value differs. */
  differs: number;
  /** Settings the station never reported: unknown, not counted as drift (ask it with GetBaseReport / GetConfiguration). */
  unknown: number;
}

/**
 * Compares a template's settings for one station with its device model. Values compare as the
 * station reports them, except booleans, which OCPP spells in any case (`True`, `true`).
 */
export function drift(protocol: OcppVersion, settings: TemplateSetting[], model: DeviceModelEntry[]): DriftReport {
  const byKey = new Map(model.map((e) => [deviceModelKey(e.component, e.variable), e]));
  const items = settingsFor(protocol, settings).map((setting): DriftItem => {
    const entry = byKey.get(variableKey(setting));
    const type = setting.attributeType ?? 'Actual';
    const actual = entry?.attributes.find((a) => a.type === type)?.value ?? null;
    const status: DriftStatus = actual === null ? 'unknown' : sameValue(actual, setting.value) ? 'ok' : 'differs';
    return { setting, expected: setting.value, actual, status };
  });
  return { items, differs: items.filter((i) => i.status === 'differs').length, unknown: items.filter((i) => i.status === 'unknown').length };
}

function sameValue(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  const bool = /^(true|false)$/i;
  return bool.test(actual) && bool.test(expected) && actual.toLowerCase() === expected.toLowerCase();
}

/** The device-model key of the variable a setting writes. */
function variableKey(s: TemplateSetting): string {
  return deviceModelKey({ name: s.component, instance: s.componentInstance, evseId: s.evseId, connectorId: s.connectorId }, { name: s.variable, instance: s.variableInstance });
}

/** One setting per variable and attribute. */
function settingKey(s: TemplateSetting): string {
  return `${variableKey(s)}\u001f${s.attributeType ?? 'Actual'}`;
}

function describe(s: TemplateSetting): string {
  return `${s.component}${s.componentInstance ? `[${s.componentInstance}]` : ''}${s.evseId !== undefined ? `@${s.evseId}${s.connectorId !== undefined ? `/${s.connectorId}` : ''}` : ''}.${s.variable}${s.variableInstance ? `[${s.variableInstance}]` : ''}${s.attributeType && s.attributeType !== 'Actual' ? ` (${s.attributeType})` : ''}`;
}
