/** `GET /openapi.json` → the OpenAPI 3.1 document of every route (public). Built once per container. */
import { httpHandler } from '../../../shared/http/handler.ts';
import { buildOpenApiDocument } from '../../../shared/openapi.ts';
import { apiRoutes } from '../api-routes.ts';
import { getOpenApiRoute } from '../routes.ts';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The Lambda handler. */
export const handler = httpHandler(getOpenApiRoute, async () => {
  document ??= buildOpenApiDocument(apiRoutes);
  return { statusCode: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
