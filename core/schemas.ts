import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OcppVersion } from './protocols.js';
import type { RpcErrorKind } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export sits on `.default`.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;

const require = createRequire(import.meta.url);

interface JsonSchema { $id: string; definitions?: Record<string, Record<string, unknown>>; [key: string]: unknown }

/** The official OCPP JSON schemas, as shipped by ocpp-rpc (see PLATFORM.md). */
const SCHEMA_FILES: Record<OcppVersion, string> = {
  'ocpp1.6': 'ocpp-rpc/lib/schemas/ocpp1_6.json',
  'ocpp2.0.1': 'ocpp-rpc/lib/schemas/ocpp2_0_1.json',
  'ocpp2.1': 'ocpp-rpc/lib/schemas/ocpp2_1.json',
};

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
}

export interface SchemaViolation {
  kind: RpcErrorKind;
  message: string;
  errors: Array<{ path: string; keyword: string; message: string }>;
}

/** Splits a schema $id into action and direction; 1.6/2.0.1 use `.req`/`.conf`, 2.1 `Request`/`Response`. */
function parseSchemaId(id: string): { action: string; part: 'request' | 'response' } {
  const name = id.replace(/^urn:/, '');
  const match = /^(.*?)(\.req|\.conf|Request|Response)$/.exec(name);
  if (!match) return { action: name, part: 'request' };
  return { action: match[1]!, part: match[2] === '.req' || match[2] === 'Request' ? 'request' : 'response' };
}

/** The 2.1 enum definitions carry a meaningless additionalProperties; ajv's strict mode rejects it. */
function withoutStrayKeywords(schema: JsonSchema): JsonSchema {
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

/** Compiles every schema of a version once. Call at start-up, never per message. */
export function compileVersionSchemas(version: OcppVersion): VersionSchemas {
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  const actions = new Map<string, ActionValidators>();
  for (const raw of loadSchemaDocuments(version)) {
    const { action, part } = parseSchemaId(raw.$id);
    // The official ids are `urn:Action.req`-style URNs that ajv's URI resolver rejects; we key by action instead.
    const { $schema: _ignored, $id: _id, ...schema } = withoutStrayKeywords(raw);
    const validate = ajv.compile(schema);
    const entry = actions.get(action) ?? ({} as ActionValidators);
    entry[part] = validate;
    actions.set(action, entry);
  }
  return { version, actions, actionNames: new Set(actions.keys()) };
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

/** Validates a payload; returns undefined when valid. */
export function checkPayload(validate: ValidateFunction, payload: unknown): SchemaViolation | undefined {
  return validate(payload) ? undefined : describeViolation(validate.errors);
}
