/**
 * `ServiceFunction`: a NodejsFunction with the house defaults (Powertools `examples/app` style):
 * Node.js 22 on arm64, an ESM bundle built by the local esbuild (minified, with source maps and a
 * metafile for `npm run build`), explicit timeout and memory, its own log group with retention,
 * X-Ray tracing, Powertools environment, and an on-failure destination for asynchronous
 * invocations. Its role starts empty but for its own log group and X-Ray: every other permission
 * is granted explicitly with {@link ServiceFunction.allow} — named actions, no wildcards.
 *
 * Bundles are cached: the asset hash is computed from the sources the bundle can include
 * (functions/, shared/, events/, the lock file) and the bundling options, so a re-synthesis with
 * unchanged sources skips esbuild (CDK reuses `cdk.out/asset.<hash>`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { CfnRole, Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CfnLogGroup, LogGroup } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './nag.ts';
import { Construct } from 'constructs';
import type { StageSettings } from '../stage.ts';

/** The project root (bundles are built from here). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  metafile: true,
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
  forceDockerBundling: false,
  logLevel: LogLevel.ERROR,
  // The SDK v3 is bundled (pinned version, tree-shaken) rather than taken from the runtime.
  externalModules: [],
};

let sourcesHash: string | undefined;

/** A hash of every file a bundle can include (memoised: one walk per synthesis process). */
function hashSources(): string {
  if (sourcesHash) return sourcesHash;
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) hash.update(path.relative(PROJECT_ROOT, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  for (const dir of ['functions', 'shared', 'events']) walk(path.join(PROJECT_ROOT, dir));
  for (const file of ['package-lock.json', 'tsconfig.json']) hash.update(fs.readFileSync(path.join(PROJECT_ROOT, file)));
  sourcesHash = hash.digest('hex');
  return sourcesHash;
}

/** What a function needs beyond the house defaults. */
export interface ServiceFunctionProps {
  /** The handler file, relative to the project root, e.g. `functions/catalog/handlers/get-product.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly stage: StageSettings;
  /** Default 10 s. */
  readonly timeout?: Duration;
  /** Default 512 MB (arm64: the price/latency sweet spot for SDK-heavy handlers; measured in the README). */
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** Where failed asynchronous invocations go (EventInvokeConfig on-failure destination). */
  readonly onFailure: IDestination;
  /** Retries of asynchronous invocations (default 2, as on Lambda). */
  readonly retryAttempts?: number;
  readonly reservedConcurrentExecutions?: number;
}

/** A Lambda function with the house defaults. See the module documentation. */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.stage.logRetention, removalPolicy: props.stage.removalPolicy });
    (logGroup.node.defaultChild as CfnLogGroup).overrideLogicalId(`${id}Logs`);
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}: its log group, X-Ray, and the grants listed in its policy`,
    });
    (role.node.defaultChild as CfnRole).overrideLogicalId(`${id}Role`);
    const entry = path.join(PROJECT_ROOT, props.entry);
    if (!fs.existsSync(entry)) throw new Error(`ServiceFunction ${id}: no handler file ${props.entry}`);
    const bundling = { ...BUNDLING, assetHash: crypto.createHash('sha256').update(hashSources()).update(props.entry).update(JSON.stringify(BUNDLING)).digest('hex') };
    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts ?? 2,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        STAGE: props.stage.name,
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_METRICS_NAMESPACE: 'Commerce',
        POWERTOOLS_LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        ...props.environment,
      },
    });
    logGroup.grantWrite(role);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*" is the only valid value); every other statement names its resources.',
    );
    const runtimeReason = 'nodejs22.x is the pinned runtime: bundles target node22 and the local cloud runs them on Node 20/22; the runtime is upgraded deliberately, with the bundle target.';
    acknowledge(this, 'AwsSolutions-L1', runtimeReason);
    acknowledge(this, 'Serverless-LambdaLatestVersion', runtimeReason);
    acknowledge(this, 'Serverless-LambdaDLQ', 'Failed asynchronous invocations go to an on-failure destination (EventInvokeConfig → AsyncInvocationFailures queue), which supersedes DeadLetterConfig and keeps the whole invocation record.');
  }

  /** Grants exactly `actions` (named, no wildcards) on `resources`. */
  allow(actions: readonly string[], resources: readonly string[]): void {
    for (const action of actions) {
      if (action.includes('*')) throw new Error(`${this.node.id}: wildcard action ${action} is not allowed; name the actions`);
    }
    this.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] }));
  }

}
