/**
 * ORD-7 for concurrent retries: when a request arrives while its twin (same user, same
 * Idempotency-Key, same body) is still being processed, the kernel's idempotency layer answers
 * 409 `request-in-progress`. For the routes wrapped here the function instead waits briefly and
 * asks again, so the twin receives the first request's response (same status, same body) rather
 * than a 409 — bounded by the invocation's remaining time; past that the 409 (with `retry-after`)
 * is returned as before.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PROBLEM_TYPE_BASE } from '../../shared/errors.ts';
import type { HttpLambdaHandler } from '../../shared/http/handler.ts';

const IN_PROGRESS = `${PROBLEM_TYPE_BASE}request-in-progress`;

function isInProgress(result: APIGatewayProxyResult): boolean {
  if (result.statusCode !== 409) return false;
  try {
    return (JSON.parse(result.body) as { type?: string }).type === IN_PROGRESS;
  } catch {
    return false;
  }
}

/** Wraps an idempotent route's handler so twins wait for the first response (see the module documentation). */
export function awaitTwinRequests(handler: HttpLambdaHandler, options: { maxWaitMs?: number; reserveMs?: number; sleep?: (ms: number) => Promise<void> } = {}): HttpLambdaHandler {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (event: APIGatewayProxyEvent, context: Context) => {
    // The HTTP stack rewrites the event (headers, parsed body): every attempt gets a fresh copy.
    const original = structuredClone(event);
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
    const deadline = Date.now() + Math.max(0, Math.min(options.maxWaitMs ?? 20_000, remaining - (options.reserveMs ?? 3_000)));
    let delay = 25;
    for (;;) {
      const result = await handler(structuredClone(original), context);
      if (!isInProgress(result) || Date.now() + delay > deadline) return result;
      await sleep(delay);
      delay = Math.min(delay * 2, 250);
    }
  };
}
