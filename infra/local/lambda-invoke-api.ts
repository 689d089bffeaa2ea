/**
 * Lambda's Invoke REST operation (`POST /2015-03-31/functions/{name}/invocations`), so the real
 * `@aws-sdk/client-lambda` and `npm run invoke` can run any function of the local cloud.
 */
import type { RestRoute } from './aws-protocol.ts';
import { LambdaError, type LambdaRuntime } from './lambda-runtime.ts';
import type { AsyncInvoker } from './async-invoker.ts';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export function lambdaInvokeRoute(lambda: LambdaRuntime, asyncInvoker: AsyncInvoker): RestRoute {
  return async (req, body, res) => {
    const match = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!match || req.method !== 'POST') return false;
    const name = decodeURIComponent(match[1] as string);
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': crypto.randomUUID(), ...headers });
      res.end(text);
    };
    const fail = (status: number, code: string, message: string) => reply(status, { Type: 'User', message }, { 'x-amzn-errortype': code });
    if (!lambda.find(name)) {
      fail(404, 'ResourceNotFoundException', `Function not found: ${name}`);
      return true;
    }
    let event: unknown = {};
    if (body.length) {
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        fail(400, 'InvalidRequestContentException', 'Could not parse request body into json');
        return true;
      }
    }
    try {
      if (type === 'DryRun') reply(204, undefined);
      else if (type === 'Event') {
        await asyncInvoker.enqueue(name, event);
        reply(202, undefined);
      } else {
        const result = await lambda.invoke(name, event);
        if (result.status === 'ok') reply(200, result.payload, { 'x-amz-executed-version': '$LATEST' });
        else
          reply(
            200,
            { errorType: result.errorType, errorMessage: result.errorMessage, trace: result.stackTrace ?? [] },
            { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
          );
      }
    } catch (error) {
      if (error instanceof LambdaError) fail(error.code === 'TooManyRequestsException' ? 429 : 404, error.code, error.message);
      else throw error;
    }
    return true;
  };
}
