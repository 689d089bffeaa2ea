/**
 * `npm run ops` — operations against the running local cloud (`npm start`), or a deployed stage:
 *
 *   npm run ops                          alarm states (ALARM first, by severity), DLQ and queue depths, oldest age
 *   npm run ops -- --all                 … every queue, also the empty ones
 *   npm run ops -- --json                the same, as JSON
 *   npm run ops -- redrive <queue>       redrive a dead-letter queue of the local cloud (logical id or name)
 *   npm run ops -- redrive <queue> --aws redrive it on AWS (queue name or URL; credentials and region from the environment)
 *
 * On AWS the alarm states are CloudWatch's (`aws cloudwatch describe-alarms --state-value ALARM`);
 * see docs/operations.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/aws-protocol.ts';
import { formatStatus, readStatus, redrive } from './ops-tools.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run ops [-- --all] [-- --json]
       npm run ops -- redrive <queue> [--aws]

  (no command)      alarm states by severity (ALARM first), dead-letter queue and queue depths, oldest message age
  redrive <queue>   move a dead-letter queue's messages back to work, after the cause is fixed:
                    a queue's DLQ → SQS StartMessageMoveTask to the source queue;
                    failed asynchronous invocations (AsyncInvocationFailures) → each invoked again
  --aws             redrive on AWS (queue name or URL), with the credentials and region of the environment
  --all             list every queue, also the empty ones
  --json            print JSON`;

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { all: { type: 'boolean' }, json: { type: 'boolean' }, aws: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
function localEndpoint(): string {
  const file = path.join(PROJECT_ROOT, '.data', 'endpoints.json');
  if (!fs.existsSync(file)) {
    console.error('The local cloud is not running: start it with `npm start` in another terminal.');
    process.exit(1);
  }
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { sqs: string }).sqs;
}

const fail = (error: unknown) => {
  const e = error as Error;
  if (/ECONNREFUSED|fetch failed/.test(`${e.message} ${String((e as { cause?: unknown }).cause)}`)) console.error('The local cloud is not running: start it with `npm start`.');
  else console.error(`${e.name}: ${e.message}`);
  process.exit(1);
};

const [command, queueArg] = positionals;
try {
  if (!command) {
    const status = await readStatus(localEndpoint());
    console.log(values.json ? JSON.stringify(status, null, 2) : formatStatus(status, { all: values.all }));
  } else if (command === 'redrive' && queueArg) {
    let queue = queueArg;
    let clients;
    if (values.aws) {
      clients = { sqs: new SQSClient({}), lambda: new LambdaClient({}) };
    } else {
      const endpoint = localEndpoint();
      const { queues } = await readStatus(endpoint);
      const match = queues.find((q) => q.logicalId === queueArg || q.name === queueArg);
      if (!match) {
        console.error(
          `No queue ${queueArg} in the local cloud. Dead-letter queues: ${queues
            .filter((q) => q.isDeadLetterQueue)
            .map((q) => q.logicalId)
            .join(', ')}`,
        );
        process.exit(2);
      }
      queue = match.name;
      const config = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
      clients = { sqs: new SQSClient(config), lambda: new LambdaClient(config) };
    }
    const result = await redrive(clients, queue);
    console.log(
      result.mode === 'empty'
        ? `${queueArg}: nothing to redrive`
        : result.mode === 'move-task'
          ? `${queueArg}: ${result.redriven} message(s) moved back to their source queue (StartMessageMoveTask)`
          : `${queueArg}: ${result.redriven} failed invocation(s) invoked again${result.skipped ? `; ${result.skipped} message(s) that are not invocation records left in place` : ''}`,
    );
  } else {
    console.error(USAGE);
    process.exit(2);
  }
} catch (error) {
  fail(error);
}
