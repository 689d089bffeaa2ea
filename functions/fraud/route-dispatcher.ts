/**
 * One Lambda function for several routes: API Gateway sends each route's requests to the same
 * function, which hands the event to that route's own handler (built with `httpHandler`, so
 * validation, auth, idempotency and problem responses are exactly those of a one-route function).
 * The fraud API is served by two such functions — queries (read-only grants) and commands (writes,
 * audit, idempotency, events) — instead of sixteen: fewer resources against CloudFormation's
 * per-stack limit, fewer cold starts and execution environments (also in the local cloud), and
 * still two separate privilege sets. Each route's handler module stays on its own (and is tested
 * on its own).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { notFound, toProblemResponse } from '../../shared/errors.ts';
import type { HttpLambdaHandler } from '../../shared/http/handler.ts';
import type { RouteContract } from '../../shared/http/route.ts';

/** A Lambda handler dispatching on `${httpMethod} ${resource}` to the handler of each route. */
export function routeDispatcher(routes: ReadonlyArray<readonly [RouteContract, HttpLambdaHandler]>): HttpLambdaHandler & { readonly routes: readonly RouteContract[] } {
  const byKey = new Map(routes.map(([route, handler]) => [`${route.method.toUpperCase()} ${route.pathTemplate}`, handler]));
  const dispatch = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const handler = byKey.get(`${event.httpMethod?.toUpperCase()} ${event.resource}`);
    if (!handler) return toProblemResponse(notFound('No such route.'));
    return handler(event, context);
  };
  return Object.assign(dispatch, { routes: routes.map(([route]) => route) });
}
