/**
 * State survives a restart (ARCHITECTURE.md, "The local cloud"): kill -9 the local cloud in the
 * middle of work, start it again on the same data directory, and no accepted message, table write
 * or key is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SQSClient, SendMessageCommand, ReceiveMessageCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, EncryptCommand, DecryptCommand } from '@aws-sdk/client-kms';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/aws-protocol.ts';
import { fixtureAssembly } from './fixture/assembly.ts';
import { readAssembly } from '../../../infra/local/template.ts';

const runner = path.resolve(import.meta.dirname, '../../support/run-local-cloud.ts');
let workDir: string;
let assemblyDir: string;
const children: ChildProcess[] = [];

async function start(dataDir: string): Promise<{ child: ChildProcess; endpoints: Record<string, string> }> {
  // node --import tsx (not the tsx binary, which runs the script in a grandchild that would survive SIGKILL)
  const child = spawn(process.execPath, ['--import', 'tsx', runner, assemblyDir, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (line.startsWith('{')) {
      const { endpoints } = JSON.parse(line) as { endpoints: Record<string, string> };
      return { child, endpoints };
    }
  }
  throw new Error('local cloud exited before it was ready');
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-'));
  assemblyDir = await fixtureAssembly();
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(workDir, { recursive: true, force: true });
});

it('keeps messages, items and keys across a kill -9', async () => {
  const dataDir = path.join(workDir, 'data');
  const sdk = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const first = await start(dataDir);
  const sqs1 = new SQSClient({ ...sdk, endpoint: first.endpoints.sqs });
  const ddb1 = new DynamoDBClient({ ...sdk, endpoint: first.endpoints.dynamodb });
  const table = (await ddb1.send(new ListTablesCommand({}))).TableNames?.find((t) => t.includes('Processed')) as string;
  const kms1 = new KMSClient({ ...sdk, endpoint: first.endpoints.kms });

  const { QueueUrl } = await sqs1.send(new GetQueueUrlCommand({ QueueName: routedQueueName() }));
  for (let i = 0; i < 20; i++) await sqs1.send(new SendMessageCommand({ QueueUrl, MessageBody: `survivor-${i}` }));
  await ddb1.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'survivor' } } }));
  const { CiphertextBlob } = await kms1.send(new EncryptCommand({ KeyId: 'alias/fixture', Plaintext: Buffer.from('secret'), EncryptionContext: { record: 'r1' } }));

  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  const second = await start(dataDir);
  const sqs2 = new SQSClient({ ...sdk, endpoint: second.endpoints.sqs });
  const { QueueUrl: url2 } = await sqs2.send(new GetQueueUrlCommand({ QueueName: routedQueueName() }));
  const bodies: string[] = [];
  for (let i = 0; i < 10 && bodies.length < 20; i++) {
    const { Messages = [] } = await sqs2.send(new ReceiveMessageCommand({ QueueUrl: url2, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    bodies.push(...Messages.map((m) => m.Body as string));
  }
  expect(bodies.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `survivor-${i}`).sort());
  const ddb2 = new DynamoDBClient({ ...sdk, endpoint: second.endpoints.dynamodb });
  expect((await ddb2.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'survivor' } } }))).Item).toBeDefined();
  const kms2 = new KMSClient({ ...sdk, endpoint: second.endpoints.kms });
  const { Plaintext } = await kms2.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { record: 'r1' } }));
  expect(Buffer.from(Plaintext as Uint8Array).toString()).toBe('secret');
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
}, 90_000);

/** The local name of the fixture's Routed queue (no consumer, so messages stay put). */
function routedQueueName(): string {
  const [stack] = readAssembly(assemblyDir);
  const id = Object.keys(stack?.Resources ?? {}).find((k) => k.startsWith('Routed') && !k.startsWith('RoutedDlq') && stack?.Resources[k]?.Type === 'AWS::SQS::Queue');
  return `${stack?.stackName}-${id}`;
}
