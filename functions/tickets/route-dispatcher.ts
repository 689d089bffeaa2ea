/**
 * One Lambda function for several routes (as fraud does): API Gateway sends each route's requests
 * to the same function, which hands the event to that route's own handler (built with
 * `httpHandler`, so validation, auth, idempotency and problem responses are exactly those of a
 * one-route function). Tickets has two: the desk (customers and agents) and the staff routes.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { notFound, toProblemResponse } from '../../shared/errors.ts';
import type { HttpLambdaHandler } from '../../shared/http/handler.ts';
import type { RouteContract } from '../../shared/http/route.ts';

/** A Lambda handler dispatching on `${httpMethod} ${resource}` to the handler of each route. */
export function routeDispatcher(routes: ReadonlyArray<readonly [RouteContract, HttpLambdaHandler]>): HttpLambdaHandler {
  const byKey = new Map(routes.map(([route, handler]) => [`${route.method.toUpperCase()} ${route.pathTemplate}`, handler]));
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const handler = byKey.get(`${event.httpMethod?.toUpperCase()} ${event.resource}`);
    if (!handler) return toProblemResponse(notFound('No such route.'));
    return handler(event, context);
  };
}
