import { randomUUID } from 'node:crypto';
import {
  MB,
  deepJson,
  deepValue,
  fieldsOf,
  hostileParamTexts,
  hostileValues,
  rawBodies,
  sampleOf,
  type JsonSchema,
  type Rng,
} from './fuzz-inputs.ts';

/**
 * Fuzz cases generated from one OpenAPI operation (or one socket command's payload schema): a valid-looking
 * request built from the schemas, then one hostile change per case. Categories take turns so that even a small
 * budget reaches every kind of input on every route.
 */

export interface Operation {
  method: string;
  /** OpenAPI form: `/api/showtimes/{id}`. */
  path: string;
  access: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  queryParams: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  body: JsonSchema | undefined;
}

/** Reads every operation of an OpenAPI 3.1 document. */
export function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as {
        'x-access'?: string;
        parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      };
      const params = op.parameters ?? [];
      out.push({
        method,
        path,
        access: op['x-access'] ?? 'public',
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required ?? false })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  return out;
}

export interface HttpCase {
  category: string;
  what: string;
  method: string;
  /** Path with query string, already encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The values a valid request of this world uses (ids of its fixtures, the caller's email, …). */
export interface Base {
  /** A path parameter's value from the collection segment before it (`showtimes` → the showtime's id). */
  pathValue(collection: string, name: string): string | undefined;
  /** A field's value by name (body, query, socket payload), or undefined to sample it from the schema. */
  field(name: string): unknown;
  /** Headers that authenticate a caller of this access (`public`, `buyer`, `door`, `box_office`, `admin`). */
  headers(access: string, path: string): Record<string, string>;
}

const RAW_MARK = '__fuzz_raw_number__';

const withBody = (op: Operation) => op.method === 'post' || op.method === 'put' || op.method === 'patch';

export function baseRequest(op: Operation, base: Base) {
  const params: Record<string, string> = {};
  const segments = op.path.split('/');
  for (const p of op.pathParams) {
    const i = segments.indexOf(`{${p.name}}`);
    const collection = i > 0 ? segments[i - 1]! : '';
    params[p.name] =
      base.pathValue(collection, p.name) ?? String(sampleOf(p.schema, (n) => base.field(n), p.name));
  }
  const query: Record<string, string> = {};
  for (const q of op.queryParams) {
    const v =
      base.field(q.name) ?? (q.required ? sampleOf(q.schema, (n) => base.field(n), q.name) : undefined);
    if (v !== undefined) query[q.name] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  const body = op.body ? sampleOf(op.body, (n) => base.field(n)) : withBody(op) ? {} : undefined;
  return { params, query, body };
}

function url(op: Operation, params: Record<string, string>, query: string): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name] ?? '');
  return query ? `${path}?${query}` : path;
}

const encodeQuery = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** Sets `value` at a field of `body` picked by the generator (one nesting level deep where there is one). */
function mutateField(body: unknown, schema: JsonSchema | undefined, rng: Rng, value: unknown) {
  const fields = fieldsOf(schema);
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  if (!fields.length || typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    return { body: value, where: '(body)' };
  }
  const f = rng.pick(fields);
  const inner = fieldsOf(f.schema);
  const current = copy[f.name];
  if (inner.length && rng.next() < 0.4 && current && typeof current === 'object' && !Array.isArray(current)) {
    const g = rng.pick(inner);
    (current as Record<string, unknown>)[g.name] = value;
    return { body: copy, where: `${f.name}.${g.name}` };
  }
  if (Array.isArray(current) && current.length && rng.next() < 0.4) {
    current[0] = value;
    return { body: copy, where: `${f.name}.0` };
  }
  copy[f.name] = value;
  return { body: copy, where: f.name };
}

/** A short label for a value (deep values are not stringified: that is what overflows a stack). */
const describe = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 24)) + (v.length > 24 ? `…(${v.length})` : '');
  if (Array.isArray(v)) return v.length ? `[${typeof v[0]}, …${v.length}]` : '[]';
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).slice(0, 3).join(',')}}`;
  return String(v);
};

/**
 * `count` cases for one operation. Categories: malformed JSON, content types, deep nesting, huge strings and
 * bodies, NUL bytes, boundary numbers and wrong types (body fields), unknown fields, path and query parameters,
 * headers. Those that do not apply (a body on a GET) are skipped.
 */
export function httpCases(op: Operation, base: Base, rng: Rng, count: number): HttpCase[] {
  const b = baseRequest(op, base);
  const json = { 'content-type': 'application/json' };
  const headers = () => ({ ...base.headers(op.access, op.path), 'idempotency-key': randomUUID() });
  const q = encodeQuery(b.query);
  const make = (category: string, what: string, over: Partial<HttpCase> = {}): HttpCase => ({
    category,
    what,
    method: op.method,
    url: url(op, b.params, q),
    headers: { ...headers(), ...(b.body !== undefined ? json : {}) },
    ...(b.body !== undefined ? { body: JSON.stringify(b.body) } : {}),
    ...over,
  });
  const bodyCase = (category: string, value: unknown) => {
    const m = mutateField(b.body, op.body, rng, value);
    return make(category, `${m.where} = ${describe(value)}`, { body: JSON.stringify(m.body) });
  };
  const hasBody = withBody(op);

  const generators: Record<string, () => HttpCase | null> = {
    malformed: () => {
      if (!hasBody) return null;
      const raw = rng.pick(rawBodies);
      return make('malformed', `body ${describe(raw)}`, { body: raw, headers: { ...headers(), ...json } });
    },
    contentType: () => {
      if (!hasBody) return null;
      const body = JSON.stringify(b.body ?? {});
      const variants: Array<[string, Record<string, string>, string | Buffer]> = [
        ['text/plain', { 'content-type': 'text/plain' }, body],
        ['form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&b[c]=2'],
        ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\n\r\nhi\r\n--x--'],
        ['xml', { 'content-type': 'application/xml' }, '<a>1</a>'],
        ['utf-16', { 'content-type': 'application/json; charset=utf-16' }, body],
        ['gzip lie', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body],
        ['unknown encoding', { 'content-type': 'application/json', 'content-encoding': 'zstd-x' }, body],
        ['no type', {}, body],
        ['empty json', { 'content-type': 'application/json' }, ''],
        [
          'invalid utf-8',
          { 'content-type': 'application/json' },
          Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
        ],
      ];
      const [what, h, raw] = rng.pick(variants);
      return make('contentType', what, { headers: { ...headers(), ...h }, body: raw });
    },
    deep: () => {
      if (!hasBody)
        return rng.next() < 0.5
          ? null
          : make('deep', 'query a[b][c]…', { url: url(op, b.params, `${'a'}${'[b]'.repeat(200)}=1`) });
      const kind = rng.pick(['array', 'object'] as const);
      const depth = rng.pick([1_000, 20_000, 100_000]);
      if (rng.next() < 0.5)
        return make('deep', `body ${kind} depth ${depth}`, { body: deepJson(depth, kind) });
      return bodyCase('deep', JSON.parse(deepJson(1_000, kind)));
    },
    huge: () => {
      if (!hasBody) {
        const name = op.queryParams.length ? rng.pick(op.queryParams).name : 'q';
        const n = rng.pick([8_000, 64 * 1024]);
        return make('huge', `query ${name} of ${n}`, {
          url: url(op, b.params, `${encodeQuery(b.query)}&${name}=${'x'.repeat(n)}`),
        });
      }
      const r = rng.next();
      if (r < 0.25) return make('huge', 'body of 3 MB', { body: JSON.stringify({ a: 'x'.repeat(3 * MB) }) });
      return bodyCase('huge', 'x'.repeat(r < 0.75 ? MB : 100_000));
    },
    nul: () => {
      const value = rng.pick(['\u0000', 'a\u0000b', 'x'.repeat(100) + '\u0000']);
      if (hasBody && rng.next() < 0.6) return bodyCase('nul', value);
      if (op.pathParams.length && rng.next() < 0.5) {
        const p = rng.pick(op.pathParams);
        return make('nul', `path ${p.name} with %00`, {
          url: url(op, { ...b.params, [p.name]: `${b.params[p.name]}%00` }, q),
        });
      }
      const name = op.queryParams.length ? rng.pick(op.queryParams).name : 'q';
      return make('nul', `query ${name} with NUL`, {
        url: url(op, b.params, encodeQuery({ ...b.query, [name]: value })),
      });
    },
    boundary: () => {
      const value = rng.pick(
        hostileValues.filter(
          (v) => typeof v === 'number' || (typeof v === 'string' && /^[-\d. ]|NaN|Inf|0x/.test(v)),
        ),
      );
      if (hasBody && rng.next() < 0.35) {
        // Numbers JavaScript cannot hold exactly, written into the JSON text itself.
        const raw = rng.pick(['9007199254740993', '1e999', '-1e999', '-0', '1.0', '1.5e1', '0.1e-400']);
        const m = mutateField(b.body, op.body, rng, RAW_MARK);
        const text = JSON.stringify(m.body).replace(`"${RAW_MARK}"`, raw);
        return make('boundary', `${m.where} = ${raw} (raw JSON)`, { body: text });
      }
      if (hasBody) return bodyCase('boundary', value);
      return queryCase('boundary', String(value));
    },
    wrongType: () => {
      const value = rng.pick(hostileValues);
      if (hasBody) return bodyCase('wrongType', value);
      return queryCase('wrongType', rng.pick(hostileParamTexts));
    },
    missing: () => {
      if (!hasBody || !op.body) return null;
      const fields = fieldsOf(op.body);
      if (!fields.length) return null;
      const f = rng.pick(fields);
      const copy = { ...(b.body as Record<string, unknown>) };
      delete copy[f.name];
      return make('missing', `without ${f.name}`, { body: JSON.stringify(copy) });
    },
    unknownField: () => {
      if (hasBody) {
        const extra = rng.pick(['zzz', '__proto__', 'constructor', 'isAdmin', 'role', 'buyerId', 'status']);
        const raw = JSON.stringify(b.body ?? {})
          .replace(/^\{/, `{"${extra}":{"polluted":true},`)
          .replace(',}', '}');
        return make('unknownField', `extra ${extra}`, { body: raw });
      }
      return make('unknownField', 'extra query zzz', {
        url: url(op, b.params, `${q}${q ? '&' : ''}zzz=1&role=admin`),
      });
    },
    path: () => {
      if (!op.pathParams.length) return null;
      const p = rng.pick(op.pathParams);
      const v = rng.pick(hostileParamTexts);
      return make('path', `path ${p.name} = ${describe(v)}`, {
        url: url(op, { ...b.params, [p.name]: v }, q),
      });
    },
    query: () => queryCase('query', rng.pick(hostileParamTexts)),
    header: () => {
      const variants: Array<[string, Record<string, string>]> = [
        ['huge authorization', { authorization: `Bearer ${'x'.repeat(20_000)}` }],
        ['bad bearer', { authorization: 'Bearer srt_\u00ff\u00fe' }],
        ['basic auth', { authorization: 'Basic Zm9vOmJhcg==' }],
        ['buyer token garbage', { 'x-buyer-token': 'srb1.' + 'A'.repeat(700) }],
        ['buyer token forged', { 'x-buyer-token': 'srb1.e30.e30' }],
        ['idempotency key huge', { 'idempotency-key': 'k'.repeat(5_000) }],
        ['idempotency key odd', { 'idempotency-key': '../../x y' }],
        ['hold token huge', { 'x-hold-token': 'h'.repeat(1_000) }],
        ['admission token odd', { 'x-admission-token': '%00' }],
        ['cookie garbage', { cookie: 'sr_buyer=%%%; sr_staff=' + 'c'.repeat(3_000) }],
        [
          'forwarded garbage',
          { 'x-forwarded-for': 'not-an-ip, ::ffff:999.1.1.1', 'x-forwarded-host': '\u00ff' },
        ],
      ];
      const [what, h] = rng.pick(variants);
      return make('header', what, { headers: { ...make('header', what).headers, ...h } });
    },
  };

  function queryCase(category: string, value: string): HttpCase {
    const name = op.queryParams.length ? rng.pick(op.queryParams).name : 'q';
    const form = rng.pick(['plain', 'repeated', 'bracket'] as const);
    const rest = encodeQuery(Object.fromEntries(Object.entries(b.query).filter(([k]) => k !== name)));
    const mine =
      form === 'plain'
        ? `${name}=${value}`
        : form === 'repeated'
          ? `${name}=${value}&${name}=${value}`
          : `${name}[x]=${value}`;
    return make(category, `query ${form} ${name}=${describe(value)}`, {
      url: url(op, b.params, rest ? `${rest}&${mine}` : mine),
    });
  }

  const names = Object.keys(generators);
  const out: HttpCase[] = [];
  for (let i = 0, misses = 0; out.length < count && misses < names.length * 3; i++) {
    const c = generators[names[i % names.length]!]!();
    if (c) out.push(c);
    else misses++;
  }
  return out;
}

/** Payloads for one socket command: hostile values in its fields, other shapes, depth, size. */
export function socketPayloads(
  schema: JsonSchema,
  base: Base,
  rng: Rng,
  count: number,
): Array<{ category: string; what: string; args: unknown[]; ack: boolean }> {
  const valid = sampleOf(schema, (n) => base.field(n));
  const field = (category: string, value: unknown) => {
    const m = mutateField(valid, schema, rng, value);
    return { category, what: `${m.where} = ${describe(value)}`, args: [m.body], ack: true };
  };
  const generators: Array<() => { category: string; what: string; args: unknown[]; ack: boolean }> = [
    () => {
      const v = rng.pick([undefined, null, 'str', 42, [], true, [valid]]);
      return {
        category: 'shape',
        what: `payload ${describe(v)}`,
        args: v === undefined ? [] : [v],
        ack: true,
      };
    },
    () => field('wrongType', rng.pick(hostileValues)),
    () => field('boundary', rng.pick(hostileValues.filter((v) => typeof v === 'number'))),
    () => field('nul', rng.pick(['\u0000', 'a\u0000b'])),
    // Under the socket's 64 KB message limit: over it the server drops the connection (tested on its own).
    () => field('huge', 'x'.repeat(rng.pick([10_000, 60_000]))),
    () => ({ category: 'deep', what: 'payload nested 500 deep', args: [deepValue(500)], ack: true }),
    () => field('deep', deepValue(300)),
    () => {
      const extra = rng.pick(['zzz', '__proto__', 'constructor', 'role', 'buyerId']);
      return {
        category: 'unknownField',
        what: `extra ${extra}`,
        args: [
          JSON.parse(
            JSON.stringify(valid ?? {})
              .replace(/^\{/, `{"${extra}":{"polluted":true},`)
              .replace(',}', '}'),
          ),
        ],
        ack: true,
      };
    },
    () => ({ category: 'noAck', what: 'without an ack', args: [valid], ack: false }),
    () => ({ category: 'extraArgs', what: 'two payloads', args: [valid, valid], ack: true }),
  ];
  return Array.from({ length: count }, (_, i) => generators[i % generators.length]!());
}
