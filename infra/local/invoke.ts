/**
 * `npm run invoke -- <function> [event.json]` runs one function of the running local cloud now
 * (a synchronous invocation through the Lambda Invoke API) and prints its result. The function
 * is named by its logical id (e.g. BannedTermsScanFunction) or its local name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './aws-protocol.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
// only the SDK's Node-version notice (see main.ts)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [name, eventFile] = process.argv.slice(2);
if (!name) {
  console.error('usage: npm run invoke -- <function logical id or name> [event.json]');
  process.exit(2);
}
const endpointsFile = path.join(PROJECT_ROOT, '.data', 'endpoints.json');
if (!fs.existsSync(endpointsFile)) {
  console.error('The local cloud is not running: start it with `npm start` in another terminal.');
  process.exit(1);
}
const endpoints = JSON.parse(fs.readFileSync(endpointsFile, 'utf8')) as { lambda: string };
const payload = eventFile ? fs.readFileSync(path.resolve(eventFile)) : Buffer.from('{}');
try {
  JSON.parse(payload.toString('utf8'));
} catch {
  console.error(`${eventFile} is not valid JSON.`);
  process.exit(2);
}
const client = new LambdaClient({ endpoint: endpoints.lambda, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
try {
  const started = Date.now();
  const result = await client.send(new InvokeCommand({ FunctionName: name, Payload: payload }));
  const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  console.log(text ? JSON.stringify(JSON.parse(text), null, 2) : '(no payload)');
  console.error(`${result.FunctionError ? `function error (${result.FunctionError})` : 'ok'} in ${Date.now() - started} ms`);
  process.exit(result.FunctionError ? 1 : 0);
} catch (error) {
  const e = error as Error & { code?: string };
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e.message))) console.error('The local cloud is not running: start it with `npm start`.');
  else console.error(`${e.name}: ${e.message}`);
  process.exit(1);
}
