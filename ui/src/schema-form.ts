/**
 * Form fields from an official OCPP JSON schema (draft-07, local `$ref`s to `definitions`), for
 * the command console: required fields marked, enums as selects, nested objects as groups,
 * arrays and anything unusual as JSON. Pure; unit-tested in test/ui/schema-form.test.ts.
 */
type Schema = Record<string, any>;

interface Base {
  name: string;
  path: string[];
  required: boolean;
  description?: string;
}

export type Field =
  | (Base & { kind: 'object'; fields: Field[] })
  | (Base & { kind: 'enum'; options: string[] })
  | (Base & { kind: 'string'; maxLength?: number; format?: string })
  | (Base & { kind: 'integer' | 'number'; minimum?: number; maximum?: number })
  | (Base & { kind: 'boolean' })
  | (Base & { kind: 'json' });

function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = s.$ref.replace(/^#\/definitions\//, '');
    s = { ...(root.definitions?.[name] ?? {}), ...(s.description ? { description: s.description } : {}) };
  }
  return s;
}

export function fieldsOf(schema: Schema, root: Schema = schema, path: string[] = [], depth = 0): Field[] {
  const s = resolve(schema, root);
  const required = new Set<string>(s.required ?? []);
  const fields: Field[] = [];
  for (const [name, raw] of Object.entries<Schema>(s.properties ?? {})) {
    if (name === 'customData') continue;
    const p = resolve(raw, root);
    const base: Base = { name, path: [...path, name], required: required.has(name), description: p.description };
    if (Array.isArray(p.enum)) fields.push({ ...base, kind: 'enum', options: p.enum.map(String) });
    else if (p.type === 'object' && depth < 4) fields.push({ ...base, kind: 'object', fields: fieldsOf(p, root, base.path, depth + 1) });
    else if (p.type === 'string') fields.push({ ...base, kind: 'string', maxLength: p.maxLength, format: p.format });
    else if (p.type === 'integer' || p.type === 'number') fields.push({ ...base, kind: p.type, minimum: p.minimum, maximum: p.maximum });
    else if (p.type === 'boolean') fields.push({ ...base, kind: 'boolean' });
    else fields.push({ ...base, kind: 'json' });
  }
  // Required first, each group in schema order.
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

/** A copy of `obj` with `value` at `path`; undefined removes it, and objects left empty go too. */
export function setPath(obj: Record<string, any>, path: string[], value: unknown): Record<string, any> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const copy = { ...obj };
  if (rest.length === 0) {
    if (value === undefined || value === '') delete copy[head];
    else copy[head] = value;
  } else {
    const child = setPath(typeof copy[head] === 'object' && copy[head] !== null ? copy[head] : {}, rest, value);
    if (Object.keys(child).length === 0) delete copy[head];
    else copy[head] = child;
  }
  return copy;
}

export function getPath(obj: Record<string, any>, path: string[]): unknown {
  let v: any = obj;
  for (const p of path) v = v?.[p];
  return v;
}

/** The value an input's text stands for, by the field's kind (undefined: leave it out). */
export function parseInput(field: Field, text: string): unknown {
  if (text === '') return undefined;
  switch (field.kind) {
    case 'integer': {
      const n = Number(text);
      return Number.isInteger(n) ? n : text;
    }
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** Required fields (at any depth of a present or required object) still empty. */
export function missingRequired(fields: Field[], value: Record<string, any>): string[] {
  const missing: string[] = [];
  for (const f of fields) {
    const v = getPath(value, f.path);
    if (f.kind === 'object') {
      if (v !== undefined || f.required) missing.push(...missingRequired(f.fields, value));
    } else if (f.required && (v === undefined || v === '')) missing.push(f.path.join('.'));
  }
  return missing;
}
