/**
 * The AWS SDK a local execution environment provides to code that leaves it out of its bundle (as
 * the Node.js runtimes provide /var/runtime/node_modules): bundles under the project resolve it from
 * the project's node_modules as they are; code anywhere else gets it through the resolution hooks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LambdaRuntime } from '../../../infra/local/lambda-runtime.ts';
import { localFunction } from '../../support/local-functions.ts';

const CODE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export const handler = async () => ({ client: typeof DynamoDBClient, resolved: import.meta.resolve('@aws-sdk/client-dynamodb') });
`;

const dirs: string[] = [];
function codeDir(parent: string): string {
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, 'runtime-sdk-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'index.mjs'), CODE);
  return dir;
}

const runtime = new LambdaRuntime({
  functions: [
    localFunction('UnderTheProject', codeDir(path.join(import.meta.dirname, '..', '..', '..', 'node_modules', '.cache', 'runtime-sdk-test'))),
    localFunction('OutsideTheProject', codeDir(os.tmpdir())),
  ],
  baseEnv: { NODE_OPTIONS: '' },
});

afterAll(async () => {
  await runtime.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the runtime's AWS SDK in local execution environments", () => {
  it.each(['UnderTheProject', 'OutsideTheProject'])('%s: an external `@aws-sdk/…` import resolves to the SDK', async (name) => {
    const result = await runtime.invoke(name, {});
    expect(result).toMatchObject({ status: 'ok', payload: { client: 'function' } });
    const resolved = (result as { payload: { resolved: string } }).payload.resolved;
    expect(resolved).toMatch(/\/node_modules\/@aws-sdk\/client-dynamodb\//);
  });
});
