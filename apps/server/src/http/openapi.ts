import { z } from 'zod';
import { errorBodySchema, errorCodes } from '@seatrush/shared';
import { route, type RouteDef } from './route.ts';
import { DOCS_HTML, DOCS_JS } from './docs-page.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table: paths and methods from `path`/`method`, parameters
 * and bodies from the zod schemas the routes validate with (so the document cannot drift from what the server
 * accepts), security from `access`. zod 4's own `z.toJSONSchema` emits JSON Schema 2020-12, which is what
 * OpenAPI 3.1 uses.
 */

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    delete out.$schema;
    return out;
  } catch {
    // A schema JSON Schema cannot express (e.g. a refinement-only custom type): document it as free-form.
    return {};
  }
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function operationId(def: RouteDef): string {
  const words = def.path
    .split('/')
    .filter(Boolean)
    .map((p) => (p.startsWith(':') ? `by_${p.slice(1)}` : p.replace(/[^A-Za-z0-9]+/g, '_')));
  return [def.method, ...words].join('_');
}

function parameters(def: RouteDef): unknown[] {
  const out: unknown[] = [];
  const add = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!schema) return;
    const js = jsonSchema(schema, 'input');
    const props = (js.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((js.required ?? []) as string[]);
    for (const [name, s] of Object.entries(props)) {
      const { description, ...rest } = s;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  };
  add(def.params, 'path');
  add(def.query, 'query');
  // Path parameters without a schema still have to be declared.
  for (const m of def.path.matchAll(/:([A-Za-z0-9_]+)/g))
    if (!out.some((p) => (p as { name: string }).name === m[1]))
      out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  return out;
}

const accessText: Record<RouteDef['access'], string> = {
  public: 'Public: no sign-in needed.',
  buyer: 'Needs a buyer session.',
  door: 'Needs staff sign-in (any role, door included): the sr_staff cookie or an API token.',
  box_office: 'Needs staff sign-in (role box_office or admin): the sr_staff cookie or an API token.',
  admin: 'Needs the admin role: the sr_staff cookie of an admin, or an API token of an admin.',
};

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
});

function responses(def: RouteDef): Record<string, unknown> {
  const success: Record<string, unknown> = { description: 'Success' };
  if (def.response) success.content = { 'application/json': { schema: jsonSchema(def.response, 'output') } };
  const out: Record<string, unknown> = { [def.method === 'get' ? '200' : '2XX']: success };
  if (def.body || def.query)
    out['400'] = errorRef('validation_failed or malformed_json: `issues` name each bad field');
  if (def.access !== 'public') {
    out['401'] = errorRef('unauthenticated');
    out['403'] = errorRef(
      def.access === 'admin' ? 'forbidden (not an admin) or csrf_failed' : 'forbidden or csrf_failed',
    );
  } else if (def.method !== 'get') out['403'] = errorRef('csrf_failed (cookie sent from a foreign Origin)');
  if (def.params) out['404'] = errorRef('not_found');
  if (def.method !== 'get')
    out['409'] = errorRef('conflict, duplicate, invalid_transition, layout_locked, …');
  if (def.body) {
    out['413'] = errorRef('payload_too_large');
    out['415'] = errorRef('unsupported_media_type');
  }
  if (def.path.endsWith('/login')) out['429'] = errorRef('rate_limited (see the Retry-After header)');
  return out;
}

export interface OpenApiInfo {
  title?: string;
  version?: string;
  description?: string;
}

/** Builds the document for a route table. Pure: the same routes give the same document. */
export function buildOpenApiDocument(routes: RouteDef[], info: OpenApiInfo = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const p = (paths[openApiPath(def.path)] ??= {});
    const op: Record<string, unknown> = {
      operationId: operationId(def),
      summary: def.summary,
      description: accessText[def.access],
      tags: def.tags?.length ? def.tags : ['other'],
      'x-access': def.access,
    };
    const params = parameters(def);
    if (params.length) op.parameters = params;
    if (def.body)
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
      };
    op.responses = responses(def);
    op.security =
      def.access === 'door' || def.access === 'box_office' || def.access === 'admin'
        ? [{ staffSession: [] }, { apiToken: [] }]
        : [];
    p[def.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Seatrush API',
      version: info.version ?? '1',
      description:
        info.description ??
        'Real-time seat-map ticketing. Errors share one envelope `{ ok: false, error: { code, message, issues?, details? } }` ' +
          'with a stable `code`. Bodies are JSON; unknown fields are refused. Staff authenticate with the `sr_staff` ' +
          'session cookie (POST /api/staff/login) or `Authorization: Bearer srt_…` API tokens.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        staffSession: { type: 'apiKey', in: 'cookie', name: 'sr_staff' },
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token `srt_…` created by an admin.',
        },
      },
      schemas: {
        ErrorEnvelope: {
          type: 'object',
          required: ['ok', 'error'],
          properties: { ok: { const: false }, error: jsonSchema(errorBodySchema, 'output') },
        },
        ErrorCode: { type: 'string', enum: [...errorCodes] },
      },
    },
  };
}

/**
 * `GET /api/openapi.json` and an interactive reference at `GET /api/docs` that works offline: a small page of
 * our own (same-origin script, so the CSP holds) rather than a CDN-hosted bundle.
 */
export function openapiRoutes(getRoutes: () => RouteDef[], info: OpenApiInfo = {}): RouteDef[] {
  let cached: string | undefined;
  const documentJson = () => (cached ??= JSON.stringify(buildOpenApiDocument(getRoutes(), info)));
  const tags = ['docs'];
  return [
    route({
      method: 'get',
      path: '/api/openapi.json',
      access: 'public',
      summary: 'This OpenAPI 3.1 document',
      tags,
      handler: ({ res }) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.type('application/json').send(documentJson());
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/docs',
      access: 'public',
      summary: 'Interactive API reference (HTML)',
      tags,
      handler: ({ res }) => {
        res.type('html').send(DOCS_HTML);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/docs/app.js',
      access: 'public',
      summary: 'Script of the API reference page',
      tags,
      handler: ({ res }) => {
        res.type('application/javascript').send(DOCS_JS);
        return undefined;
      },
    }),
  ];
}
