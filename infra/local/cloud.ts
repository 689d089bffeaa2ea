/**
 * The local cloud: runs a synthesized cloud assembly on one machine (ARCHITECTURE.md).
 *
 *   DynamoDB Local ← tables from the template
 *   one AWS endpoint (SQS, EventBridge, KMS, Lambda Invoke) ← queues, rules, keys, functions
 *   API Gateway ← RestApi resources, methods, authorizer → Lambda workers
 *   event source mappings, asynchronous invocations (retries → destinations/DLQs), schedules
 *
 * `startLocalCloud()` is used by `npm start` (persistent state under `.data/`) and by the test
 * suites (in-memory state, free ports).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { startAwsEndpoint, LOCAL_CREDENTIALS, LOCAL_REGION, type AwsEndpoint } from './aws-protocol.ts';
import { accessDenied, accessKeyOf, dynamoDbPermissions, roleAccessKey, RolePolicies, tablesOf } from './iam.ts';
import { startDynamoDbLocal, freePort, type DynamoDbLocal } from './dynamodb-local.ts';
import { readAssembly, assertSupported, deployTimeProviders, ResourceNames, UnsupportedTemplateError, referencedLogicalIds, type StackTemplate } from './template.ts';
import { LambdaRuntime, LambdaError, type FunctionDefinition, type InvokeResult } from './lambda-runtime.ts';
import { SqsService, type QueueDefinition } from './sqs.ts';
import { S3Service, type BucketDefinition } from './s3.ts';
import { KmsService, type KmsKeyDefinition } from './kms.ts';
import { startSqsEventSourceMapping } from './event-source-mapping.ts';
import { EventsService, readTargets, type EventRule } from './eventbridge.ts';
import { startApiGateway, type LocalApi } from './api-gateway.ts';
import { createLocalIssuer, type LocalIssuer } from './local-issuer.ts';
import { createLocalSignIn, ensureConsoleBuilt } from './local-sign-in.ts';
import { lambdaInvokeRoute } from './lambda-invoke-api.ts';
import { AsyncInvoker } from './async-invoker.ts';
import type { Plan } from '../prebundle.ts';
import { DynamoDbCallCounter } from './dynamodb-counter.ts';
import { LocalOperations } from './operations.ts';

export interface LocalCloudOptions {
  assemblyDir: string;
  /** Persistent state directory; in-memory when omitted. */
  dataDir?: string;
  /** Keep DynamoDB Local in memory even with a `dataDir` (tests that want the other state on disk, e.g. to sweep it). */
  dynamodbInMemory?: boolean;
  apiPort?: number;
  awsPort?: number;
  dynamodbPort?: number;
  /** Delays between asynchronous invocation attempts (Lambda: ~1 min then ~2 min). */
  asyncRetryDelaysMs?: number[];
  /** Start cron/rate schedules (off in tests, which fire them explicitly). */
  schedules?: boolean;
  /** Max concurrent execution environments per function without reserved concurrency. */
  defaultConcurrency?: number;
  /** Tests only: how long a function's init phase may take before it counts against the invocation (Lambda: 10 s). */
  lambdaInitLimitMs?: number;
  /** Log line sink for the local cloud's own messages. */
  log?: (line: string) => void;
  /** How often the template's alarms are evaluated and queue depths sampled (default 5 s). */
  alarmIntervalMs?: number;
  /** Tests only: scales every alarm period (0.1 → a 60 s period lasts 6 s), so a drill takes seconds. */
  alarmPeriodScale?: number;
  /** Meter the DynamoDB capacity every request consumes (`dynamodbCalls.consumedCapacity()`; benchmarks). */
  meterCapacity?: boolean;
  /** The bundles of an assembly synthesized with `bundle: 'on-demand'` (infra/local/synth.ts): each built when its function first runs. */
  bundles?: Plan;
  /** DynamoDB Local already starting (`npm start` starts its JVM while it synthesizes); stopped with the cloud. Default: started here. */
  dynamoDbLocal?: Promise<DynamoDbLocal>;
}

export interface LocalCloudEndpoints {
  api: string;
  dynamodb: string;
  sqs: string;
  events: string;
  kms: string;
  lambda: string;
  /** S3, path-style (`forcePathStyle: true`). */
  s3: string;
}

export interface LocalCloud {
  readonly stack: StackTemplate;
  readonly names: ResourceNames;
  readonly endpoints: LocalCloudEndpoints;
  readonly issuer: LocalIssuer;
  readonly lambda: LambdaRuntime;
  readonly sqs: SqsService;
  readonly kms: KmsService;
  readonly events: EventsService;
  readonly s3: S3Service;
  readonly dynamodbCalls: DynamoDbCallCounter;
  /** Local metrics, alarm states, queue depths and drill fault switches (also served on `<aws endpoint>/_local/*`). */
  readonly operations: LocalOperations;
  /** Environment variables that point an AWS SDK or CLI at this cloud. */
  readonly sdkEnv: Record<string, string>;
  /** Mint a token for a user with the given roles (customer pool or staff pool by role). */
  token(sub: string, roles: string[]): Promise<string>;
  /** Table name by logical id. */
  tableName(logicalId: string): string;
  /** Run a scheduled rule now (by logical id). */
  fireSchedule(ruleLogicalId: string): Promise<void>;
  stop(): Promise<void>;
}

function assetDir(assemblyDir: string, stack: StackTemplate, logicalId: string): string {
  const resource = stack.Resources[logicalId];
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new UnsupportedTemplateError(`function ${logicalId} has no local asset (aws:asset:path metadata); inline or S3 code is not supported`);
  return path.join(assemblyDir, assetPath);
}

/**
 * Builds the bundles of an assembly synthesized with `bundle: 'on-demand'` when their functions first
 * run: one build per asset (functions sharing code share it), concurrent first invocations wait for
 * the same build, and a failed build is tried again by the next invocation.
 */
function onDemandBundles(assemblyDir: string, plan: Plan, log: (line: string) => void) {
  const byHash = new Map(plan.map((p) => [p.assetHash, p]));
  const building = new Map<string, Promise<void>>();
  return (hash: string): (() => Promise<void>) | undefined => {
    const bundle = byHash.get(hash);
    if (!bundle) return undefined;
    return () => {
      let done = building.get(hash);
      // built already (an earlier start, or before the cloud started): nothing to load — the bundler brings the CDK app
      if (!done && fs.existsSync(path.join(assemblyDir, `asset.${hash}`))) return Promise.resolve();
      if (!done) {
        const started = Date.now();
        // loaded here: the bundler brings the CDK app's constructs, which a cloud of prebuilt bundles never needs
        done = import('../prebundle.ts').then(async ({ buildBundles }) => {
          const built = await buildBundles(assemblyDir, [bundle]);
          if (built > 0) log(`bundled ${bundle.entry} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });
        done.catch(() => building.delete(hash));
        building.set(hash, done);
      }
      return done;
    };
  };
}

function readFunctions(names: ResourceNames, assemblyDir: string, onDemand?: (hash: string) => (() => Promise<void>) | undefined): FunctionDefinition[] {
  // Deploy-time custom-resource providers (the console's BucketDeployment, Python) are never started: see deployTimeProviders.
  const providers = deployTimeProviders(names.stack);
  return names
    .ofType('AWS::Lambda::Function')
    .filter(({ logicalId }) => !providers.has(logicalId))
    .map(({ logicalId, properties: p }) => {
      const runtime = String(p.Runtime ?? '');
      if (!runtime.startsWith('nodejs')) throw new UnsupportedTemplateError(`function ${logicalId}: runtime ${runtime} is not supported (Node.js only)`);
      const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
      // A bundle not built yet (on-demand assembly): its directory is named by the asset hash, the S3 key's stem.
      const s3Key = (p.Code as { S3Key?: unknown } | undefined)?.S3Key;
      const hash = typeof s3Key === 'string' ? s3Key.replace(/\.zip$/, '') : undefined;
      const prepareCode = hash ? onDemand?.(hash) : undefined;
      return {
        logicalId,
        name: names.ref(logicalId),
        arn: names.getAtt(logicalId, 'Arn'),
        codeDir: prepareCode ? path.join(assemblyDir, `asset.${hash}`) : assetDir(assemblyDir, names.stack, logicalId),
        ...(prepareCode ? { prepareCode } : {}),
        handler: String(p.Handler ?? 'index.handler'),
        runtime,
        timeoutSeconds: Number(p.Timeout ?? 3),
        memorySize: Number(p.MemorySize ?? 128),
        environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        reservedConcurrency: p.ReservedConcurrentExecutions === undefined ? undefined : Number(p.ReservedConcurrentExecutions),
        ...(typeof p.Role === 'string' ? { accessKeyId: roleAccessKey(RolePolicies.roleNameOf(p.Role)) } : {}),
      };
    });
}

function readQueues(names: ResourceNames): QueueDefinition[] {
  return names.ofType('AWS::SQS::Queue').map(({ logicalId, properties: p }) => {
    if (p.FifoQueue) throw new UnsupportedTemplateError(`queue ${logicalId}: FIFO queues are not supported`);
    const redrive = p.RedrivePolicy as { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    return {
      logicalId,
      name: names.getAtt(logicalId, 'QueueName'),
      arn: names.getAtt(logicalId, 'Arn'),
      url: names.ref(logicalId),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      delaySeconds: Number(p.DelaySeconds ?? 0),
      messageRetentionSeconds: Number(p.MessageRetentionPeriod ?? 345_600),
      receiveMessageWaitTimeSeconds: Number(p.ReceiveMessageWaitTimeSeconds ?? 0),
      maximumMessageSize: Number(p.MaximumMessageSize ?? 262_144),
      redrivePolicy: redrive?.deadLetterTargetArn ? { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount ?? 10) } : undefined,
    };
  });
}

export async function createTables(client: DynamoDBClient, names: ResourceNames): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const { logicalId, properties: p } of names.ofType('AWS::DynamoDB::Table')) {
    const TableName = names.ref(logicalId);
    if (!existing.has(TableName)) {
      const gsis = (p.GlobalSecondaryIndexes as Array<Record<string, unknown>> | undefined)?.map((g) => ({
        IndexName: g.IndexName as string,
        KeySchema: g.KeySchema as CreateTableCommandInput['KeySchema'],
        Projection: g.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] },
      }));
      const lsis = (p.LocalSecondaryIndexes as Array<Record<string, unknown>> | undefined)?.map((l) => ({
        IndexName: l.IndexName as string,
        KeySchema: l.KeySchema as CreateTableCommandInput['KeySchema'],
        Projection: l.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] },
      }));
      await client.send(
        new CreateTableCommand({
          TableName,
          KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
          AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
          BillingMode: 'PAY_PER_REQUEST',
          ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
          ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
        }),
      );
    }
    if (existing.has(TableName)) await reconcileIndexes(client, TableName, p);
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.Enabled && ttl.AttributeName && !existing.has(TableName)) {
      await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
    }
  }
}

/**
 * Adds to a table kept from an earlier run (`.data/`) the global secondary indexes the template has
 * and it lacks, as a deployment would (DynamoDB Local fills a new index from the table at once), so
 * `npm start` on an older run's data finds every index the code queries. An index the template no
 * longer has, or has with another projection, is left as it is: locally it only holds more than it
 * would on AWS (DynamoDB Local leaves a second index deletion pending forever, so none is attempted;
 * it also copies whole items into an index added this way, whatever its projection).
 */
export async function reconcileIndexes(client: DynamoDBClient, TableName: string, p: Record<string, unknown>): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((g) => String(g.IndexName)));
  for (const g of (p.GlobalSecondaryIndexes as Array<Record<string, unknown>> | undefined) ?? []) {
    if (present.has(String(g.IndexName))) continue;
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: String(g.IndexName),
              KeySchema: g.KeySchema as CreateTableCommandInput['KeySchema'],
              Projection: g.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] },
            },
          },
        ],
      }),
    );
    await indexesSettled(client, TableName);
  }
}

/** Waits until every index of the table is active (DynamoDB refuses another index change meanwhile). */
async function indexesSettled(client: DynamoDBClient, TableName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if ((Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) throw new Error(`table ${TableName}: its indexes did not settle in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The template's S3 buckets: versioning and Object Lock default retention. */
export function readBuckets(names: ResourceNames): BucketDefinition[] {
  return names.ofType('AWS::S3::Bucket').map(({ logicalId, properties: p }) => {
    const retention = (p.ObjectLockConfiguration as { Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } } | undefined)?.Rule?.DefaultRetention;
    const days = retention ? Number(retention.Days ?? 0) + Number(retention.Years ?? 0) * 365 : 0;
    return {
      name: names.ref(logicalId),
      versioned: (p.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled' || p.ObjectLockEnabled === true,
      ...(retention && days > 0 ? { defaultRetention: { mode: retention.Mode === 'GOVERNANCE' ? ('GOVERNANCE' as const) : ('COMPLIANCE' as const), days } } : {}),
    };
  });
}

/** Which Cognito pool holds which group, from the template's UserPoolGroup resources. */
export function readPools(names: ResourceNames): { pools: Map<string, { poolId: string; clientId: string; groups: Set<string> }> } {
  const pools = new Map<string, { poolId: string; clientId: string; groups: Set<string> }>();
  for (const { logicalId } of names.rawOfType('AWS::Cognito::UserPool')) {
    pools.set(logicalId, { poolId: names.ref(logicalId), clientId: '', groups: new Set() });
  }
  for (const { logicalId, properties } of names.rawOfType('AWS::Cognito::UserPoolClient')) {
    const pool = [...referencedLogicalIds(properties.UserPoolId)][0];
    const entry = pool ? pools.get(pool) : undefined;
    if (entry && !entry.clientId) entry.clientId = names.ref(logicalId);
  }
  for (const { properties } of names.rawOfType('AWS::Cognito::UserPoolGroup')) {
    const pool = [...referencedLogicalIds(properties.UserPoolId)][0];
    const entry = pool ? pools.get(pool) : undefined;
    if (entry) entry.groups.add(String(names.resolve(properties.GroupName)));
  }
  return { pools };
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => {});
  const stacks = readAssembly(options.assemblyDir);
  if (stacks.length > 1) throw new UnsupportedTemplateError(`the local cloud runs one stack; the assembly has ${stacks.map((s) => s.stackName).join(', ')}`);
  const stack = stacks[0] as StackTemplate;
  assertSupported(stack);
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });

  const stoppers: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s();
  };
  try {
    const [dynamodbPort, awsPort, apiPort] = await Promise.all([options.dynamodbPort ?? freePort(), options.awsPort ?? freePort(), options.apiPort ?? freePort()]);
    // the call counter in front of DynamoDB Local takes the DynamoDB port: a stable endpoint to export
    const dynamoLocal: DynamoDbLocal = await (options.dynamoDbLocal ??
      startDynamoDbLocal({
        port: await freePort(),
        dataDir: options.dataDir && !options.dynamodbInMemory ? path.join(options.dataDir, 'dynamodb') : undefined,
      }));
    stoppers.push(() => dynamoLocal.stop());
    const dynamodbCalls = new DynamoDbCallCounter(dynamoLocal.endpoint, { meterCapacity: options.meterCapacity });
    await dynamodbCalls.listen(dynamodbPort);
    stoppers.push(() => dynamodbCalls.close());

    const awsUrl = `http://127.0.0.1:${awsPort}`;
    const names = new ResourceNames(stack, { api: `http://127.0.0.1:${apiPort}`, aws: awsUrl, dynamodb: dynamodbCalls.url });
    const sdkEnv: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbCalls.url,
      AWS_ENDPOINT_URL_SQS: awsUrl,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsUrl,
      AWS_ENDPOINT_URL_KMS: awsUrl,
      AWS_ENDPOINT_URL_LAMBDA: awsUrl,
      AWS_ENDPOINT_URL_S3: awsUrl,
    };

    const ddb = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await createTables(ddb, names);
    ddb.destroy();

    const functions = readFunctions(names, options.assemblyDir, options.bundles && onDemandBundles(options.assemblyDir, options.bundles, log));
    // IAM for DynamoDB: a function's request its role's policies do not allow is refused, as on AWS (infra/local/iam.ts).
    const policies = new RolePolicies(names);
    const unchecked = functions.filter((f) => f.accessKeyId === undefined || policies.roleOf(f.accessKeyId) === undefined);
    if (unchecked.length > 0) throw new UnsupportedTemplateError(`function ${unchecked.map((f) => f.logicalId).join(', ')}: its Role is not a role of the template`);
    const tables = tablesOf(names);
    dynamodbCalls.authorizeWith((authorization, operation, input) => {
      const role = policies.roleOf(accessKeyOf(authorization) ?? '');
      if (role === undefined) return undefined;
      const missing = dynamoDbPermissions(operation, input, tables).find((needed) => !policies.allows(role, needed));
      return missing ? accessDenied(role, missing) : undefined;
    });
    const queues = readQueues(names);
    const asyncQueues: QueueDefinition[] = functions.map((f) => AsyncInvoker.queueFor(f, awsUrl));
    const sqs = new SqsService({ queues: [...queues, ...asyncQueues], dataDir: options.dataDir && path.join(options.dataDir, 'sqs') });
    stoppers.push(() => sqs.close());

    const keys = names.ofType('AWS::KMS::Key').map(({ logicalId, properties }) => ({
      logicalId,
      keyId: names.ref(logicalId),
      arn: names.getAtt(logicalId, 'Arn'),
      enabled: properties.Enabled !== false,
      ...(properties.KeySpec === undefined ? {} : { keySpec: String(properties.KeySpec) as KmsKeyDefinition['keySpec'] }),
      ...(properties.KeyUsage === undefined ? {} : { keyUsage: String(properties.KeyUsage) as KmsKeyDefinition['keyUsage'] }),
    }));
    const aliases = names
      .ofType('AWS::KMS::Alias')
      .map(({ properties }) => ({ name: String(properties.AliasName), targetKeyId: String(properties.TargetKeyId).split('/').pop() as string }));
    const kms = new KmsService({ keys, aliases, dataDir: options.dataDir && path.join(options.dataDir, 'kms') });

    const operations = new LocalOperations({ names, intervalMs: options.alarmIntervalMs, periodScale: options.alarmPeriodScale });
    stoppers.push(() => operations.stop());
    const lambda = new LambdaRuntime({
      ...operations.lambdaHooks(),
      functions,
      // the SDK's Node-version notice does not appear on the functions' runtime (nodejs22.x)
      // LOCAL_CLOUD=true: the kernel's local-cloud switch (shared/config.ts) — built-in sandbox secrets instead of
      // Secrets Manager, which the local cloud does not have. Set here, never in the template (tests/infra checks).
      baseEnv: { ...sdkEnv, NODE_OPTIONS: '', AWS_LAMBDA_RUNTIME_API: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LOCAL_CLOUD: 'true' },
      defaultConcurrency: options.defaultConcurrency,
      initLimitMs: options.lambdaInitLimitMs,
      logDir: options.dataDir ? path.join(options.dataDir, 'logs') : undefined,
    });
    stoppers.push(() => lambda.close());

    const asyncInvoker = new AsyncInvoker({ sqs, lambda, names, asyncQueueUrlBase: awsUrl, retryDelaysMs: options.asyncRetryDelaysMs, log });
    stoppers.push(() => asyncInvoker.stop());

    const buses = names.ofType('AWS::Events::EventBus').map(({ logicalId }) => names.ref(logicalId));
    const kindOf = (arn: string): 'sqs' | 'lambda' | undefined => {
      const id = names.logicalIdOf(arn);
      const type = id ? stack.Resources[id]?.Type : undefined;
      return type === 'AWS::SQS::Queue' ? 'sqs' : type === 'AWS::Lambda::Function' || type === 'AWS::Lambda::Alias' ? 'lambda' : undefined;
    };
    const rules: EventRule[] = names.ofType('AWS::Events::Rule').map(({ logicalId, properties: p }) => ({
      logicalId,
      name: names.ref(logicalId),
      arn: names.getAtt(logicalId, 'Arn'),
      busName: p.EventBusName ? (String(p.EventBusName).split('/').pop() as string) : 'default',
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      pattern: p.EventPattern as Record<string, unknown> | undefined,
      scheduleExpression: p.ScheduleExpression as string | undefined,
      targets: readTargets(logicalId, p.Targets, kindOf),
    }));
    const archives = names.ofType('AWS::Events::Archive').map(({ logicalId, properties: p }) => ({
      name: names.ref(logicalId),
      busName: String(p.SourceArn).split('/').pop() as string,
      pattern: p.EventPattern as Record<string, unknown> | undefined,
    }));
    const events = new EventsService({
      buses: ['default', ...buses],
      rules,
      archives,
      dataDir: options.dataDir && path.join(options.dataDir, 'events'),
      delivery: {
        sendToQueue: async (queueArn, body, attributes) => {
          await sqs.send(
            queueArn,
            body,
            attributes ? { messageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) } : {},
          );
        },
        invokeAsync: async (functionArn, payload) => {
          await asyncInvoker.enqueue(functionArn, payload);
        },
      },
    });
    stoppers.push(() => events.close());

    const s3 = new S3Service({ buckets: readBuckets(names), dataDir: options.dataDir && path.join(options.dataDir, 's3') });
    const endpoint: AwsEndpoint = await startAwsEndpoint({
      services: [sqs, events, kms],
      restRoutes: [lambdaInvokeRoute(lambda, asyncInvoker), s3.route(), operations.route()],
      port: awsPort,
    });
    stoppers.push(() => endpoint.close());

    const invokeByLogicalId = async (logicalId: string, event: unknown): Promise<InvokeResult> => {
      try {
        return await lambda.invoke(logicalId, event);
      } catch (error) {
        if (error instanceof LambdaError) return { status: 'error', errorType: error.code, errorMessage: error.message };
        throw error;
      }
    };

    for (const { logicalId, properties: p } of names.ofType('AWS::Lambda::EventSourceMapping')) {
      const sourceArn = String(p.EventSourceArn);
      if (kindOf(sourceArn) !== 'sqs') throw new UnsupportedTemplateError(`event source mapping ${logicalId}: only SQS sources are supported`);
      const fn = lambda.find(String(p.FunctionName));
      if (!fn) throw new UnsupportedTemplateError(`event source mapping ${logicalId}: function ${String(p.FunctionName)} not found`);
      const mapping = startSqsEventSourceMapping({
        sqs,
        queueArn: sourceArn,
        functionName: fn.name,
        batchSize: Number(p.BatchSize ?? 10),
        maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
        maximumConcurrency: (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency,
        enabled: p.Enabled !== false,
        invoke: (name, event) => invokeByLogicalId(name, event),
      });
      stoppers.push(() => mapping.stop());
    }
    asyncInvoker.start();

    const issuer = createLocalIssuer({ dataDir: options.dataDir });
    const restApi = names.ofType('AWS::ApiGateway::RestApi')[0];
    const apiStage = names.ofType('AWS::ApiGateway::Stage')[0];
    const onRequest = restApi ? operations.apiHook(String(restApi.properties.Name ?? restApi.logicalId), String(apiStage?.properties.StageName ?? 'local')) : undefined;
    // The staff console and the local stand-in for the staff pool's managed login (Cognito's hosted domain on AWS).
    const staffPool = [...readPools(names).pools.values()].find((p) => p.groups.has('admin'));
    const signIn = staffPool
      ? createLocalSignIn({
          issuer,
          staffPool,
          stage: String(apiStage?.properties.StageName ?? 'local'),
          consoleDir: await ensureConsoleBuilt(options.dataDir && path.join(options.dataDir, 'console'), log),
        })
      : undefined;
    const api: LocalApi | undefined = await startApiGateway({
      names,
      issuer,
      invoke: invokeByLogicalId,
      port: apiPort,
      onRequest,
      beforeRouting: signIn && ((req, res, url, body) => signIn.handle(req, res, url, body)),
    });
    if (api) stoppers.push(() => api.close());

    if (options.schedules) events.startSchedules();
    operations.start(sqs, queues);

    const { pools } = readPools(names);
    const endpoints: LocalCloudEndpoints = {
      api: api?.url ?? '',
      dynamodb: dynamodbCalls.url,
      sqs: awsUrl,
      events: awsUrl,
      kms: awsUrl,
      lambda: awsUrl,
      s3: awsUrl,
    };
    log(`stack ${stack.stackName}, ${functions.length} functions, ${queues.length} queues, ${rules.length} rules`);
    return {
      stack,
      names,
      endpoints,
      issuer,
      lambda,
      sqs,
      kms,
      events,
      s3,
      dynamodbCalls,
      operations,
      sdkEnv,
      async token(sub, roles) {
        const pool = [...pools.values()].find((p) => roles.every((r) => p.groups.has(r)));
        if (!pool) throw new Error(`no user pool has all the groups ${roles.join(', ')}; groups: ${[...pools.values()].map((p) => [...p.groups].join('/')).join(' | ')}`);
        return issuer.mint({ sub, roles, poolId: pool.poolId, clientId: pool.clientId });
      },
      tableName: (logicalId) => names.ref(logicalId),
      async fireSchedule(ruleLogicalId) {
        const rule = events.rules.find((r) => r.logicalId === ruleLogicalId);
        if (!rule) throw new Error(`no rule ${ruleLogicalId}`);
        await events.fireSchedule(rule);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
