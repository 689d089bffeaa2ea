/**
 * One Lambda function for several routes: API Gateway sends each route's requests to the same
 * function, which hands the event to that route's own handler (built with `httpHandler`, or
 * `idempotentHttpHandler` for an idempotent route, so
 * validation, auth, idempotency and problem responses are exactly those of a one-route function).
 *
 * Why a capability serves its routes this way (fraud, returns, tickets): fewer resources against
 * CloudFormation's per-stack limit, fewer cold starts and execution environments (also in the local
 * cloud), and — for customer-reachable routes — fewer of the reserved-concurrency slots each such
 * function takes in prod (SEC-5). Queries and commands stay in separate functions, so they keep
 * separate privilege sets; each route's handler module stays on its own and is tested on its own.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { notFound, toProblemResponse } from '../errors.ts';
import { deferBuild, type HttpLambdaHandler } from './handler.ts';
import type { RouteContract } from './route.ts';

/** A Lambda handler dispatching on `${httpMethod} ${resource}` to the handler of each route; it lists its routes. */
export function routeDispatcher(routes: ReadonlyArray<readonly [RouteContract, HttpLambdaHandler]>): HttpLambdaHandler & { readonly routes: readonly RouteContract[] } {
  // Each route's stack is built on that route's first request, not at init: the first request
  // reads one route's schemas and middlewares, not every route's (shared/http/handler.ts).
  for (const [, handler] of routes) deferBuild(handler);
  const byKey = new Map(routes.map(([route, handler]) => [`${route.method.toUpperCase()} ${route.pathTemplate}`, handler]));
  const dispatch = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const handler = byKey.get(`${event.httpMethod?.toUpperCase()} ${event.resource}`);
    if (!handler) return toProblemResponse(notFound('No such route.'));
    return handler(event, context);
  };
  return Object.assign(dispatch, { routes: routes.map(([route]) => route) });
}
