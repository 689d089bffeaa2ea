/**
 * A resource type or property the local cloud does not support stops it, with a message naming the
 * type or property and the resource (ARCHITECTURE.md "The local cloud"): nothing is skipped silently.
 * The stack is a tiny CDK app with an SNS subscription (an unsupported type: the local cloud accepts
 * topics as configuration but delivers nothing) and an SQS FIFO queue
 * (unsupported properties of a supported type); the check runs before anything is started.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { startLocalCloud } from '../../../infra/local/cloud.ts';
import { UnsupportedTemplateError } from '../../../infra/local/template.ts';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unsupported-'));
let error: Error;
let topic: string;
let queue: string;

beforeAll(async () => {
  const app = new App({ outdir: workDir });
  const stack = new Stack(app, 'Unsupported');
  new Subscription(stack, 'Alerts', { topic: new Topic(stack, 'AlertTopic'), protocol: SubscriptionProtocol.EMAIL, endpoint: 'ops@example.com' });
  new Queue(stack, 'Orders', { fifo: true, contentBasedDeduplication: true });
  const assembly = app.synth();
  const ids = Object.keys((assembly.getStackByName('Unsupported').template as { Resources: Record<string, unknown> }).Resources);
  topic = ids.find((id) => id.startsWith('Alerts')) as string;
  queue = ids.find((id) => id.startsWith('Orders')) as string;
  error = await startLocalCloud({ assemblyDir: assembly.directory }).then(
    async (cloud) => {
      await cloud.stop();
      throw new Error('the local cloud started');
    },
    (e: unknown) => e as Error,
  );
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

it('stops with an UnsupportedTemplateError for the stack', () => {
  expect(error).toBeInstanceOf(UnsupportedTemplateError);
  expect(error.message).toContain('The local cloud cannot run stack Unsupported');
});

it('names an unsupported resource type (an SNS subscription) and the resource', () => {
  expect(error.message).toContain(`resource type AWS::SNS::Subscription (${topic}) is not supported`);
});

it('names each unsupported property (an SQS FIFO queue), its type and the resource — every problem at once', () => {
  expect(error.message).toContain(`property FifoQueue of AWS::SQS::Queue (${queue}) is not supported`);
  expect(error.message).toContain(`property ContentBasedDeduplication of AWS::SQS::Queue (${queue}) is not supported`);
});
