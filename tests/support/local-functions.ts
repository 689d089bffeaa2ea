/** A local Lambda function of an `index.mjs` in `codeDir` (handler `index.handler`), for tests of the local runtime. */
import type { FunctionDefinition } from '../../infra/local/lambda-runtime.ts';

export const localFunction = (name: string, codeDir: string): FunctionDefinition => ({
  logicalId: name,
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  codeDir,
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  timeoutSeconds: 10,
  memorySize: 256,
  environment: {},
});
