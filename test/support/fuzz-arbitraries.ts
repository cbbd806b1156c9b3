/**
 * Requests made up from the OpenAPI document (issue 15, "fuzzing the doors"): values a schema
 * allows, then mutated with what a hostile or careless client sends — wrong types, boundary
 * lengths, full-width digits, zero-width and right-to-left marks, characters outside the BMP,
 * MongoDB operators, huge numbers, duplicated keys. Pure: the test decides what to send and what
 * to assert.
 */
import fc, { type Arbitrary } from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  nullable?: boolean;
}

export type Components = Record<string, JsonSchema>;

/** What a hostile or careless client puts where a value belongs. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '０１２３４５６７８９０１２３４５６７８', // full-width digits, the length of an ID number
  '６１０１０５１９９００１０１１２３４',
  '张\u200b三', // zero-width space inside a name
  '\u202e三张', // right-to-left override
  '\ufeff李四',
  '𠀀𪚥𰻞', // 生僻字 outside the BMP
  '\ud800', // a lone surrogate
  '\u0000',
  'null',
  'undefined',
  '{"$gt":""}',
  '$where',
  '__proto__',
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  "'; DROP TABLE cases; --",
  '1e309',
  '-0',
  'NaN',
  '9007199254740993',
  '2026-02-30',
  '2026-12-01T25:61:00Z',
  'x'.repeat(256),
  'x'.repeat(10_001),
  '🙂'.repeat(101),
] as const;

export const nastyValue: Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -1, 0, 0.5, -0, Number.MAX_SAFE_INTEGER) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, {}, [], [[]], { $gt: '' }, { $ne: null }, { $where: '1' }, ['a', 'b']),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);

const refName = (ref: string) => ref.replace(/^#\/components\/schemas\//, '');

/** Values the schema allows (or nearly: a pattern's string is not always a valid ID number). */
export function fromSchema(schema: JsonSchema, components: Components, depth = 0): Arbitrary<unknown> {
  if (schema.$ref) {
    const target = components[refName(schema.$ref)];
    return target && depth < 6 ? fromSchema(target, components, depth + 1) : fc.constant({});
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, components, depth + 1)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0]!, components, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(fromSchema(schema.items ?? {}, components, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 3, 3),
          });
    case 'object':
    default: {
      if (!schema.properties || depth > 4) return fc.constant({});
      const props = Object.fromEntries(
        Object.entries(schema.properties).map(([k, s]) => [k, fromSchema(s, components, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
  }
}

function stringFor(schema: JsonSchema): Arbitrary<string> {
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2035-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 200));
    } catch {
      // a pattern JavaScript cannot compile: plain strings
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 30, 30)) });
}

/** Every path to a value inside a JSON value (objects and arrays), the root first. */
function valuePaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...valuePaths(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...valuePaths(v, [...at, k]));
  return out;
}

export type Mutation =
  | { kind: 'none' }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'extra'; pick: number; key: string; value: unknown }
  | { kind: 'duplicate-key'; pick: number; value: unknown };

export const mutation: Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: nastyValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      pick: fc.nat(),
      key: fc.constantFrom('$where', '$set', '__proto__', 'constructor', 'status', 'applicantSub', '_id', 'role'),
      value: nastyValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-key' as const), pick: fc.nat(), value: nastyValue }) },
);

/**
 * The body as the JSON text sent: the value with the mutation applied. A duplicated key can only
 * be written as text (JSON.parse keeps the last one; a server must not see the first one).
 */
export function mutatedJson(value: unknown, m: Mutation): string {
  if (m.kind === 'none') return JSON.stringify(value);
  const copy = structuredClone(value) as unknown;
  const paths = valuePaths(copy);
  const path = paths[m.pick % paths.length]!;
  if (m.kind === 'replace') {
    if (path.length === 0) return JSON.stringify(m.value);
    setAt(copy, path, m.value);
    return JSON.stringify(copy);
  }
  if (m.kind === 'delete') {
    if (path.length === 0) return '';
    deleteAt(copy, path);
    return JSON.stringify(copy);
  }
  const objects = paths.filter((p) => isObject(getAt(copy, p)));
  if (objects.length === 0) return JSON.stringify(m.kind === 'extra' ? m.value : copy);
  const target = objects[m.pick % objects.length]!;
  const holder = getAt(copy, target) as Record<string, unknown>;
  if (m.kind === 'extra') {
    // defineProperty: `__proto__` becomes an own key, as a client's JSON text would have it.
    Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    return JSON.stringify(copy);
  }
  const key = Object.keys(holder)[0];
  if (key === undefined) return JSON.stringify(copy);
  // The hostile value first, the genuine one after it: `{"k": <nasty>, "k": <genuine>, …}`.
  const marker = '"__fuzz_duplicate__":0';
  const genuineFirst = { __fuzz_duplicate__: 0, ...holder };
  let doc = copy;
  if (target.length === 0) doc = genuineFirst;
  else setAt(copy, target, genuineFirst);
  return JSON.stringify(doc).replace(marker, `${JSON.stringify(key)}:${JSON.stringify(m.value) ?? 'null'}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function getAt(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}
function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
}
function deleteAt(root: unknown, path: (string | number)[]): void {
  const parent = getAt(root, path.slice(0, -1));
  const key = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string | number, unknown>)[key];
}
