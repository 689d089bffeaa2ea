/**
 * The response contract check of the e2e tests: every 2xx JSON response the tests receive is parsed
 * with the schema its route declares (the same schemas the OpenAPI document is generated from), so
 * a handler that answers something else than documented fails the test that called it.
 */
import { apiRoutes } from '../../functions/platform/api-routes.ts';
import type { RouteContract } from '../../shared/http/route.ts';

const matchers = apiRoutes.map((route) => ({
  route,
  pattern: new RegExp(
    `^${route.pathTemplate
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{[^}]+\+\}/g, '.+')
      .replace(/\{[^}]+\}/g, '[^/]+')}$`,
  ),
}));

/** The route serving `method path` (query string ignored). */
export function routeOf(method: string, path: string): RouteContract | undefined {
  const bare = path.split('?')[0] ?? path;
  const found = matchers.filter((m) => m.route.method === method.toLowerCase() && m.pattern.test(bare));
  // A literal segment beats a parameter: the route with the fewest parameters wins.
  const params = (r: RouteContract) => r.pathTemplate.split('{').length;
  return found.sort((a, b) => params(a.route) - params(b.route))[0]?.route;
}

/** Why the body does not match the declared response (paths and messages only, never values), or undefined. */
export function responseContractViolation(method: string, path: string, status: number, body: unknown): string | undefined {
  if (status < 200 || status >= 300) return undefined;
  const route = routeOf(method, path);
  const schema = route?.responses[status]?.schema;
  if (!route || !schema) return undefined;
  const parsed = schema.safeParse(body);
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return `${method.toUpperCase()} ${route.pathTemplate} → ${status} does not match its declared response: ${issues.join('; ')}`;
}
