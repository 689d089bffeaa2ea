/**
 * The platform's HTTP contracts: health and the OpenAPI document.
 */
import * as z from '../../shared/zod.ts';
import { defineRoute } from '../../shared/http/route.ts';

/** `GET /health` — public liveness. */
export const getHealthRoute = /* @__PURE__ */ defineRoute({
  operation: 'getHealth',
  method: 'get',
  pathTemplate: '/health',
  summary: 'Liveness check',
  tags: ['platform'],
  auth: 'public',
  responses: { 200: { description: 'The API is up', schema: () => z.object({ status: z.literal('ok') }) } },
});

/** `GET /openapi.json` — public. */
export const getOpenApiRoute = /* @__PURE__ */ defineRoute({
  operation: 'getOpenApi',
  method: 'get',
  pathTemplate: '/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tags: ['platform'],
  auth: 'public',
  responses: { 200: { description: 'The OpenAPI document', schema: () => z.record(z.string(), z.unknown()) } },
});

/** Every platform route, for the OpenAPI document. */
export const platformRoutes = [getHealthRoute, getOpenApiRoute] as const;
