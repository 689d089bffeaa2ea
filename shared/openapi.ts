/**
 * The OpenAPI 3.1 document, generated from the same route contracts and zod schemas that validate
 * requests (zod's own JSON Schema conversion, draft 2020-12, which OpenAPI 3.1 uses). Each capability declares its routes in `functions/<capability>/routes.ts`;
 * `GET /openapi.json` passes them all to {@link buildOpenApiDocument}. Every operation documents
 * its problem+json error responses (API.md "Errors").
 */
import * as z from './zod.ts';
import { lazily } from './lazily.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from './errors.ts';
import type { RouteContract } from './http/route.ts';

/** The problem+json body (RFC 9457), as documented. */
export const ProblemSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      type: z.url().check(z.describe(`Stable problem type URI, ${PROBLEM_TYPE_BASE}<slug>`)),
      title: z.string().check(z.describe('Short human summary of the problem type')),
      status: z.number().check(z.int(), z.describe('The HTTP status code')),
      detail: z.optional(z.string()).check(z.describe('Human explanation of this occurrence')),
      errors: z
        .optional(z.array(z.object({ path: z.string().check(z.describe('e.g. body.price.amount')), message: z.string() })))
        .check(z.describe('The offending fields, for validation errors')),
    })
    .register(z.globalRegistry, { id: 'Problem', description: 'An error (RFC 9457 problem details)' }),
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input (see `errors`)',
  401: 'No or invalid token',
  403: 'The caller’s role does not allow this operation',
  404: 'Unknown id',
  409: 'State conflict (or a request with the same Idempotency-Key is still in progress; retry)',
  413: 'The request body is larger than this operation accepts',
  415: 'The body is not application/json',
  422: 'The Idempotency-Key was already used with a different body',
  429: 'Throttled',
  500: 'Unexpected server error',
};

/** The problem statuses an operation can answer with, from its contract. */
export function problemStatuses(route: RouteContract): number[] {
  const statuses = new Set<number>(route.problems ?? []);
  if (route.body || route.path || route.query || route.idempotent) statuses.add(400);
  if (route.body) statuses.add(415);
  if (route.maxBodyBytes !== undefined) statuses.add(413);
  if (route.auth !== 'public') {
    statuses.add(401);
    if (route.auth && route.auth.roles.length > 0) statuses.add(403);
  }
  if (route.idempotent) {
    statuses.add(409);
    statuses.add(422);
  }
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

/**
 * Converts route schemas to JSON Schema, collecting every schema with a `meta({ id })` into the
 * document's components (referenced as `#/components/schemas/<id>`). A request body is described
 * as it is accepted (`io: 'input'`: a defaulted field is optional), a response as it is sent.
 */
class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        const def = zodSchema._zod.def as SchemaDef;
        // An object that is not strict may gain fields: a response says which it has, not that there are no others.
        if (io === 'output' && def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
        // zod bounds every integer by the safe-integer range; unless a schema says so itself, that is what an integer is here, not a documented limit
        if (jsonSchema.type === 'integer') {
          const stated = statedBounds(def);
          if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER && !stated.has(Number.MIN_SAFE_INTEGER)) delete jsonSchema.minimum;
          if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER && !stated.has(Number.MAX_SAFE_INTEGER)) delete jsonSchema.maximum;
        }
      },
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = converted;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const component = withComponentRefs(definition) as JsonSchema;
      const existing = this.components[id];
      // One id, one schema: a component that reads differently as a request and as a response (a default, a transform) needs two ids.
      if (existing && JSON.stringify(existing) !== JSON.stringify(component)) throw new Error(`OpenAPI: the schema ${id} converts differently where it is used (${io})`);
      this.components[id] = component;
    }
    return withComponentRefs(rest) as JsonSchema;
  }
}

/** What the JSON Schema conversion reads of a schema's definition. */
interface SchemaDef {
  readonly type: string;
  readonly catchall?: unknown;
  readonly innerType?: { readonly _zod: { readonly def: SchemaDef } };
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: { readonly check: string; readonly value?: unknown } } }>;
}

/** The bounds a schema's own checks state, looking through optional, nullable and default wrappers to the schema they wrap. */
function statedBounds(def: SchemaDef): Set<unknown> {
  const stated = new Set((def.checks ?? []).map((check) => check._zod.def.value));
  const inner = def.innerType?._zod.def;
  if (inner) for (const value of statedBounds(inner)) stated.add(value);
  return stated;
}

/** `#/$defs/<id>` (zod's references) → `#/components/schemas/<id>`. */
function withComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withComponentRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : withComponentRefs(inner)]),
  );
}

/** The parameters of one location (`path`, `query`, `header`) from the object schema that validates them. */
function parametersOf(converter: SchemaConverter, where: 'path' | 'query' | 'header', schema: z.ZodMiniObject | undefined): JsonSchema[] {
  if (!schema) return [];
  return Object.entries(schema.shape as Record<string, z.ZodMiniType>).map(([name, field]) => {
    const fieldSchema = converter.convert(field, 'input');
    const description = typeof fieldSchema.description === 'string' ? fieldSchema.description : undefined;
    return { schema: fieldSchema, required: where === 'path' || !field.safeParse(undefined).success, ...(description ? { description } : {}), name, in: where };
  });
}

/** One route contract as an OpenAPI operation: security, parameters, request body and responses (problems included). */
function operationOf(converter: SchemaConverter, problem: JsonSchema, route: RouteContract): Operation {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { 'application/json': { schema: converter.convert(response.schema, 'output') } } }
      : { description: response.description };
  }
  for (const status of problemStatuses(route)) {
    responses[String(status)] ??= { description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem', content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } } };
  }
  const roles = route.auth === 'public' ? undefined : (route.auth?.roles ?? []);
  const headers =
    route.idempotent || route.headers
      ? z.object({
          ...(route.idempotent
            ? { 'idempotency-key': z.string().check(z.minLength(1), z.maxLength(255), z.describe('Retries with the same key return the first response (ORD-7)')) }
            : {}),
          ...(route.headers?.shape ?? {}),
        })
      : undefined;
  const parameters = [
    ...parametersOf(converter, 'path', route.path as z.ZodMiniObject | undefined),
    ...parametersOf(converter, 'query', route.query as z.ZodMiniObject | undefined),
    ...parametersOf(converter, 'header', headers),
  ];
  return {
    operationId: route.operation,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: [...route.tags] } : {}),
    security: route.auth === 'public' ? [] : [{ bearerAuth: [] }],
    ...(roles && roles.length > 0 ? { 'x-roles': [...roles] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    // A body whose schema accepts no body at all (optional or defaulted, e.g. the cancel body) is optional.
    ...(route.body
      ? { requestBody: { required: !route.body.safeParse(undefined).success, content: { 'application/json': { schema: converter.convert(route.body, 'input') } } } }
      : {}),
    responses,
  };
}

/** Document metadata. */
export interface OpenApiInfo {
  readonly title?: string;
  readonly version?: string;
  readonly description?: string;
  readonly serverUrl?: string;
}

/** The document's top level. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { title: string; version: string; description: string };
  readonly servers?: Array<{ url: string }>;
  readonly components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
  readonly paths: Record<string, Record<string, Operation>>;
}

/** Builds the OpenAPI 3.1 document for the given routes. */
export function buildOpenApiDocument(routes: readonly RouteContract[], info: OpenApiInfo = {}): OpenApiDocument {
  const converter = new SchemaConverter();
  const problem = converter.convert(ProblemSchema(), 'output');
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes) {
    const operations = (paths[route.pathTemplate] ??= {});
    if (operations[route.method]) throw new Error(`route ${route.method.toUpperCase()} ${route.pathTemplate} is registered twice`);
    operations[route.method] = operationOf(converter, problem, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'Serverless Commerce API',
      version: info.version ?? '1.0.0',
      description:
        info.description ??
        'JSON in and out. Money is { amount: integer minor units, currency }. Errors are application/problem+json. ' +
          'Every POST that creates or changes something requires an Idempotency-Key header.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID token; `sub` is the user id, `cognito:groups` the roles.' },
      },
      schemas: converter.components,
    },
    paths,
  };
}
