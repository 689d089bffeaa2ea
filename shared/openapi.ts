/**
 * The OpenAPI 3.1 document, generated from the same route contracts and zod schemas that validate
 * requests (zod-to-openapi). Each capability declares its routes in `functions/<capability>/routes.ts`;
 * `GET /openapi.json` passes them all to {@link buildOpenApiDocument}. Every operation documents
 * its problem+json error responses (API.md "Errors").
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from './errors.ts';
import type { RouteContract } from './http/route.ts';

/** The problem+json body (RFC 9457), as documented. */
export const ProblemSchema = z
  .object({
    type: z.url().describe(`Stable problem type URI, ${PROBLEM_TYPE_BASE}<slug>`),
    title: z.string().describe('Short human summary of the problem type'),
    status: z.number().int().describe('The HTTP status code'),
    detail: z.string().optional().describe('Human explanation of this occurrence'),
    errors: z
      .array(z.object({ path: z.string().describe('e.g. body.price.amount'), message: z.string() }))
      .optional()
      .describe('The offending fields, for validation errors'),
  })
  // The `id` makes zod-to-openapi emit it once under components/schemas/Problem and $ref it.
  .meta({ id: 'Problem', description: 'An error (RFC 9457 problem details)' });

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

/** A registry with the shared components: the Problem schema and the bearer-token security scheme. */
export function createOpenApiRegistry(): { registry: OpenAPIRegistry; problem: z.ZodType } {
  const registry = new OpenAPIRegistry();
  const problem = ProblemSchema;
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito ID token; `sub` is the user id, `cognito:groups` the roles.',
  });
  return { registry, problem };
}

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

/** Registers one route contract: path, method, security, request and responses (problems included). */
export function registerRoute(registry: OpenAPIRegistry, problem: z.ZodType, route: RouteContract): void {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = response.schema
      ? { description: response.description, content: { 'application/json': { schema: response.schema } } }
      : { description: response.description };
  }
  for (const status of problemStatuses(route)) {
    responses[String(status)] ??= {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } },
    };
  }
  const roles = route.auth === 'public' ? undefined : (route.auth?.roles ?? []);
  const config: RouteConfig = {
    method: route.method,
    path: route.pathTemplate,
    operationId: route.operation,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: [...route.tags] } : {}),
    security: route.auth === 'public' ? [] : [{ bearerAuth: [] }],
    ...(roles && roles.length > 0 ? { 'x-roles': [...roles] } : {}),
    request: {
      // zod-to-openapi wants z.object schemas for parameters; route contracts use z.object for both.
      ...(route.path ? { params: route.path as z.ZodObject } : {}),
      ...(route.query ? { query: route.query as z.ZodObject } : {}),
      ...(route.idempotent || route.headers
        ? {
            headers: z.object({
              ...(route.idempotent ? { 'idempotency-key': z.string().min(1).max(255).describe('Retries with the same key return the first response (ORD-7)') } : {}),
              ...(route.headers?.shape ?? {}),
            }),
          }
        : {}),
      // A body whose schema accepts no body at all (optional or defaulted, e.g. the cancel body) is optional.
      ...(route.body ? { body: { required: !route.body.safeParse(undefined).success, content: { 'application/json': { schema: route.body } } } } : {}),
    },
    responses,
  };
  registry.registerPath(config);
}

/** Document metadata. */
export interface OpenApiInfo {
  readonly title?: string;
  readonly version?: string;
  readonly description?: string;
  readonly serverUrl?: string;
}

/** Builds the OpenAPI 3.1 document for the given routes. */
export function buildOpenApiDocument(routes: readonly RouteContract[], info: OpenApiInfo = {}): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const { registry, problem } = createOpenApiRegistry();
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.pathTemplate}`;
    if (seen.has(key)) throw new Error(`route ${key} is registered twice`);
    seen.add(key);
    registerRoute(registry, problem, route);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
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
  });
}
