/**
 * Inputs for the fuzzer and the authorization matrix, generated from JSON Schema (the OpenAPI document's, or
 * `z.toJSONSchema` of a shared contract): a valid sample to start from, and hostile values to put in its place.
 * Everything random comes from one seeded generator, so a run is repeated exactly by its seed.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  [k: string]: unknown;
};

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(xs: readonly T[]): T {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[Math.floor(next() * xs.length)]!;
    },
  };
}
export type Rng = ReturnType<typeof rng>;

/** The seed of this run: `FUZZ_SEED` when given, else a fixed one (so `npm test` is repeatable). */
export function seedFromEnv(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`);
  return n;
}

/** A positive integer from the environment (case budgets), else `fallback`. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

const typeOf = (s: JsonSchema): string | undefined => {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') ?? s.type[0];
  return s.type;
};

/**
 * A value the schema accepts as far as JSON Schema can tell (refinements it cannot express may still refuse it):
 * required properties only, plus any property `fill` knows a value for (`fill(name)` returns undefined to pass).
 */
export function sampleOf(
  schema: JsonSchema,
  fill: (name: string) => unknown = () => undefined,
  name = '',
): unknown {
  const filled = name ? fill(name) : undefined;
  if (filled !== undefined) return filled;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return sampleOf(alt.find((s) => typeOf(s) !== 'null') ?? alt[0]!, fill, name);
  if (schema.allOf?.length) return sampleOf(Object.assign({}, ...schema.allOf) as JsonSchema, fill, name);
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, s] of Object.entries(schema.properties ?? {})) {
        const v = fill(key);
        if (v !== undefined) out[key] = v;
        else if (required.has(key)) out[key] = sampleOf(s, fill, key);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sampleOf(schema.items ?? {}, fill),
      );
    case 'integer':
    case 'number':
      return schema.default ?? Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string':
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return 'x';
  }
}

/** The properties of an object schema (first object alternative of a union), with the required ones named. */
export function fieldsOf(schema: JsonSchema | undefined): Array<{ name: string; schema: JsonSchema }> {
  if (!schema) return [];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return alt.flatMap((s) => fieldsOf(s));
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, schema: s }));
}

export const MB = 1024 * 1024;

/** Values of the wrong type or at the edge of a number's range, as JSON values. */
export const hostileValues: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0,
  0.5,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e3',
  '0x10',
  ' 1',
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '😀'.repeat(20),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  [],
  [null],
  [1, 'a', {}],
  {},
  { $gt: '' },
  JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
  'x'.repeat(10_000),
];

/** Raw JSON texts that are not what a route expects: malformed, or valid JSON of another shape. */
export const rawBodies: readonly string[] = [
  '{',
  '{"a":',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  'nul',
  'undefined',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":9007199254740993}',
  '{"a":1e999}',
  '"a string"',
  '123',
  'null',
  'true',
  '[]',
  '\uFEFF{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '\u0000',
  '{"\u0000":1}',
];

/** Deeply nested JSON text (`[[[…]]]` or `{"a":{"a":…}}`), built as a string so the client needs no recursion. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A nested value for transports that serialise themselves (Socket.IO); kept moderate (the client recurses). */
export function deepValue(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Path or query string values (already URL-encoded where it matters). */
export const hostileParamTexts: readonly string[] = [
  '',
  '%00',
  'a%00b',
  '%E0%A4%A',
  '%',
  '..%2F..%2Fetc%2Fpasswd',
  '-1',
  '0',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999',
  '1.5',
  'NaN',
  'Infinity',
  'true',
  'null',
  '%F0%9F%98%80',
  '%3Cscript%3E',
  encodeURIComponent("' OR 1=1 --"),
  'x'.repeat(2_000),
  'x'.repeat(8_000),
];
