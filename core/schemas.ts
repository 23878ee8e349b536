import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import type { OcppVersion } from './protocols.js';
import type { RpcErrorKind } from './errors.js';

const require = createRequire(import.meta.url);

export interface JsonSchema { $id: string; definitions?: Record<string, Record<string, unknown>>; [key: string]: unknown }

/** The official OCPP JSON schemas, as shipped by ocpp-rpc (see PLATFORM.md). */
const SCHEMA_FILES: Record<OcppVersion, string> = {
  'ocpp1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json',
  'ocpp2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json',
  'ocpp2.1': 'ocpp-rpc/lib/schemas/ocpp2_1.json',
};

/** File stem of a version's precompiled validator module: `ocpp1_6`, `ocpp2_0_1`, `ocpp2_1`. */
export function validatorModuleName(version: OcppVersion): string {
  return version.replace(/\./g, '_');
}

/**
 * The ajv options every OCPP validator is built with, precompiled or not. Changing them (or the
 * preprocessing below) changes validation: bump PRECOMPILED_REVISION so stale generated modules
 * are ignored until the next build regenerates them.
 */
export const AJV_OPTIONS = {
  strict: false,
  // `strict: false` would also turn strictNumbers off, and then `1e400` (JSON.parse makes it
  // Infinity) passes as a number and even as an integer (Infinity % 1 is NaN, which ajv's
  // integer check negates). Non-finite numbers are no JSON numbers a station may send.
  strictNumbers: true,
  allErrors: false,
  validateFormats: true,
} as const satisfies Options;

/** Revision of the generated validator modules' format and of the preprocessing that shaped them. */
export const PRECOMPILED_REVISION = 2;

export interface ActionValidators {
  request: ValidateFunction;
  /** Absent for 2.1 SEND-only actions (NotifyPeriodicEventStream), which have no response. */
  response?: ValidateFunction;
}

/** Every action of one OCPP version with its compiled request/response validators. */
export interface VersionSchemas {
  version: OcppVersion;
  actions: ReadonlyMap<string, ActionValidators>;
  actionNames: ReadonlySet<string>;
  /** Where the validators came from: the build's generated module, or ajv at run time. */
  source?: 'precompiled' | 'runtime';
}

export interface SchemaViolation {
  kind: RpcErrorKind;
  message: string;
  errors: Array<{ path: string; keyword: string; message: string }>;
}

/** Splits a schema $id into action and direction; 1.6/2.0.1 use `.req`/`.conf`, 2.1 `Request`/`Response`. */
export function parseSchemaId(id: string): { action: string; part: 'request' | 'response' } {
  const name = id.replace(/^urn:/, '');
  const match = /^(.*?)(\.req|\.conf|Request|Response)$/.exec(name);
  if (!match) return { action: name, part: 'request' };
  return { action: match[1]!, part: match[2] === '.req' || match[2] === 'Request' ? 'request' : 'response' };
}

/** The 2.1 enum definitions carry a meaningless additionalProperties; ajv's strict mode rejects it. */
export function withoutStrayKeywords(schema: JsonSchema): JsonSchema {
  if (!schema.definitions) return schema;
  const definitions: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(schema.definitions)) {
    if (def.type !== 'object' && 'additionalProperties' in def) {
      const { additionalProperties: _dropped, ...rest } = def;
      definitions[name] = rest;
    } else {
      definitions[name] = def;
    }
  }
  return { ...schema, definitions };
}

export function loadSchemaDocuments(version: OcppVersion): JsonSchema[] {
  return require(SCHEMA_FILES[version]) as JsonSchema[];
}

export interface PreparedSchema {
  action: string;
  part: 'request' | 'response';
  /** The schema as compiled: stray keywords, `$schema` and `$id` dropped. */
  schema: Record<string, unknown>;
}

/** Every schema of a version, preprocessed exactly as both the runtime compiler and the generator use it. */
export function prepareSchemas(version: OcppVersion): PreparedSchema[] {
  return loadSchemaDocuments(version).map((raw) => {
    const { action, part } = parseSchemaId(raw.$id);
    // The official ids are `urn:Action.req`-style URNs that ajv's URI resolver rejects; we key by action instead.
    const { $schema: _ignored, $id: _id, ...schema } = withoutStrayKeywords(raw);
    return { action, part, schema };
  });
}

/**
 * An ajv instance with the OCPP options and ajv-formats' formats. ajv is loaded lazily so that a
 * thread using the precompiled validators never loads the compiler at all.
 */
export function createOcppAjv(extra: Omit<Options, keyof typeof AJV_OPTIONS> = {}): Ajv {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormats = (require('ajv-formats') as { default: (ajv: Ajv) => Ajv }).default;
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...extra });
  addFormats(ajv);
  return ajv;
}

function collect(version: OcppVersion, entries: Iterable<[string, 'request' | 'response', ValidateFunction]>, source: VersionSchemas['source']): VersionSchemas {
  const actions = new Map<string, ActionValidators>();
  for (const [action, part, validate] of entries) {
    const entry = actions.get(action) ?? ({} as ActionValidators);
    entry[part] = validate;
    actions.set(action, entry);
  }
  return { version, actions, actionNames: new Set(actions.keys()), source };
}

/** Compiles every schema of a version with ajv now (2-3 s and ~85 MB for all three versions). */
export function compileVersionSchemasAtRuntime(version: OcppVersion): VersionSchemas {
  const ajv = createOcppAjv();
  return collect(
    version,
    prepareSchemas(version).map(({ action, part, schema }) => [action, part, ajv.compile(schema)] as [string, typeof part, ValidateFunction]),
    'runtime',
  );
}

/** Shape of a generated module (core/ocpp/validator-codegen.ts writes it). */
interface PrecompiledModule {
  version: string;
  revision: number;
  /** [action, request validator, response validator or null] */
  actions: Array<[string, ValidateFunction, ValidateFunction | null]>;
}

/**
 * Where the build puts a version's generated module. Running from dist/ it sits next to this file
 * (dist/core/ocpp/validators/); running from source (tests) we look in the build output.
 */
export function precompiledValidatorCandidates(version: OcppVersion): string[] {
  const file = `${validatorModuleName(version)}.js`;
  return [
    fileURLToPath(new URL(`./ocpp/validators/${file}`, import.meta.url)),
    fileURLToPath(new URL(`../dist/core/ocpp/validators/${file}`, import.meta.url)),
  ];
}

/**
 * Loads a generated validator module synchronously (require of an ES module: Node >= 20.19).
 * Returns undefined when there is none, or when it was generated for another version or revision.
 */
export function loadPrecompiledVersionSchemas(version: OcppVersion, file?: string): VersionSchemas | undefined {
  const path = file ?? precompiledValidatorCandidates(version).find((p) => existsSync(p));
  if (!path || !existsSync(path)) return undefined;
  const mod = require(path) as PrecompiledModule;
  if (mod.version !== version || mod.revision !== PRECOMPILED_REVISION || !Array.isArray(mod.actions)) return undefined;
  const entries: Array<[string, 'request' | 'response', ValidateFunction]> = [];
  for (const [action, request, response] of mod.actions) {
    entries.push([action, 'request', request]);
    if (response) entries.push([action, 'response', response]);
  }
  return collect(version, entries, 'precompiled');
}

/**
 * Every schema of a version, ready to validate. Call at start-up, never per message. Uses the
 * validators the build precompiled (`npm run build`), else compiles them with ajv now.
 */
export function compileVersionSchemas(version: OcppVersion): VersionSchemas {
  let precompiled: VersionSchemas | undefined;
  try {
    precompiled = loadPrecompiledVersionSchemas(version);
  } catch {
    // Unloadable generated module (e.g. require(esm) disabled): fall back to compiling.
  }
  return precompiled ?? compileVersionSchemasAtRuntime(version);
}

/**
 * Maps ajv's first error to the OCPP error kind. The spec defines: TypeConstraint (wrong JSON
 * type), OccurrenceConstraint (a required field or item count), PropertyConstraint (a field's
 * value breaks its constraints: enum, length, range, pattern, format), FormatViolation (the
 * payload is not shaped like the PDU, e.g. it carries a field the PDU does not have).
 */
const KEYWORD_KIND: Record<string, RpcErrorKind> = {
  type: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  additionalProperties: 'FormatViolation',
};

export function describeViolation(errors: ErrorObject[] | null | undefined): SchemaViolation {
  const list = (errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    keyword: e.keyword,
    message: e.message ?? 'invalid',
  }));
  const first = list[0];
  const kind = first ? (KEYWORD_KIND[first.keyword] ?? 'PropertyConstraintViolation') : 'FormatViolation';
  const message = first ? `${first.path} ${first.message}` : 'Payload does not match the schema';
  return { kind, message, errors: list };
}

/** True when the value holds a number JSON cannot carry (NaN, ±Infinity: what `1e400` parses to). */
export function hasNonFiniteNumber(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (hasNonFiniteNumber(v, depth + 1)) return true;
  return false;
}

/**
 * Validates a payload; returns undefined when valid. A non-finite number is a malformed payload,
 * not a wrong type: FormatViolation (1.6 FormationViolation). Checked only once validation has
 * failed, so valid payloads pay nothing for it.
 */
export function checkPayload(validate: ValidateFunction, payload: unknown): SchemaViolation | undefined {
  if (validate(payload)) return undefined;
  const violation = describeViolation(validate.errors);
  if (hasNonFiniteNumber(payload)) {
    return { ...violation, kind: 'FormatViolation', message: `non-finite number (${violation.message})` };
  }
  return violation;
}
