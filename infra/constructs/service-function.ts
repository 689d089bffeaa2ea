/**
 * `ServiceFunction`: a NodejsFunction with the house defaults (Powertools `examples/app` style):
 * Node.js 22 on arm64, an ESM bundle built by the local esbuild (minified, with source maps and a
 * metafile for `npm run build`), explicit timeout and memory, a log group with retention (one per
 * capability), X-Ray tracing, Powertools environment, and — for functions invoked asynchronously —
 * an on-failure destination ({@link ServiceFunction.invokedAsynchronously}). Its role starts empty
 * but for its log group and X-Ray: every other permission is granted explicitly with
 * {@link ServiceFunction.allow} — named actions, no wildcards — into one inline policy (keeping the
 * stack well under CloudFormation's 500-resource limit).
 *
 * Bundles are cached: the asset hash is computed from the sources the bundle can include
 * (functions/, shared/, events/, the lock file) and the bundling options, so a re-synthesis with
 * unchanged sources skips esbuild (CDK reuses `cdk.out/asset.<hash>`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { CfnRole, Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal, type AddToPrincipalPolicyResult } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, Runtime, Tracing, type CfnAlias, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './nag.ts';
import { hashSources } from '../source-hash.ts';
import { Construct } from 'constructs';
import type { StageSettings } from '../stage.ts';

/** The project root (bundles are built from here). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** The package every SDK client imports its default credential chain from. */
export const CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';

export const BUNDLING: BundlingOptions = {
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
  // Credentials come from Lambda's environment only: the SDK's full chain (SSO, INI, STS, IMDS…) is
  // not bundled (shared/lambda-credentials.ts). Resolved from the project root, esbuild's working directory.
  esbuildArgs: { '--alias': `${CREDENTIAL_CHAIN}=./shared/lambda-credentials.ts` },
};

/** The alias every caller invokes (see {@link ServiceFunction.live}). */
export const LIVE_ALIAS = 'live';

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
  /** The log group (with retention) this function writes to; functions of one capability share one. */
  readonly logGroup: ILogGroup;
  /** Where failed asynchronous invocations go, if the function is invoked asynchronously. */
  readonly asyncFailures: IDestination;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * An execution role whose grants live in ONE inline policy instead of a separate AWS::IAM::Policy
 * resource: a stack holds at most 500 resources, and every function would otherwise cost three.
 */
class InlinePolicyRole extends Role {
  private readonly document = new PolicyDocument();

  constructor(scope: Construct, id: string, description: string) {
    super(scope, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description });
    (this.node.defaultChild as CfnRole).policies = [{ policyName: 'grants', policyDocument: this.document }];
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/** A Lambda function with the house defaults. See the module documentation. */
export class ServiceFunction extends NodejsFunction {
  private readonly asyncFailures: IDestination;
  /**
   * The `live` alias (OPS-1): what every caller invokes — API integrations, event source mappings,
   * schedules. A deployment publishes a new version and CodeDeploy shifts `live` to it (prod: a
   * 10 % canary for 5 minutes, rolled back on the function's alarms; infra/operations.ts).
   */
  readonly live: Alias;

  /** Handler file (relative to the project root) of every ServiceFunction constructed, by construct id (= logical id). */
  static readonly entries = new Map<string, string>();

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const role = new InlinePolicyRole(scope, `${id}Role`, `Execution role of ${id}: its log group, X-Ray, and the grants listed in its policy`);
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
      logGroup: props.logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // No NODE_OPTIONS=--enable-source-maps: loading a bundle's source map costs 40–90 ms of every
      // cold start (measured with `npm run build`'s import timing). The maps are still built beside
      // each bundle, and the local cloud runs with them.
      environment: {
        STAGE: props.stage.name,
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_METRICS_NAMESPACE: 'Commerce',
        POWERTOOLS_LOG_LEVEL: props.stage.name === 'prod' ? 'INFO' : 'DEBUG',
        ...props.environment,
      },
    });
    this.asyncFailures = props.asyncFailures;
    this.live = new Alias(this, 'Live', {
      aliasName: LIVE_ALIAS,
      version: this.currentVersion,
      description: `What callers invoke; CodeDeploy shifts it to each new version of ${id}`,
    });
    (this.live.node.defaultChild as CfnAlias).overrideLogicalId(`${id}Live`);
    ServiceFunction.entries.set(id, props.entry);
    props.logGroup.grantWrite(role);
    const xrayReason =
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (Resource "*" is the only valid value); every other statement names its resources and no action is a wildcard (tested).';
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', xrayReason);
    acknowledge(role, 'Serverless-LambdaStarPermissions', xrayReason);
    const runtimeReason =
      'nodejs22.x is the pinned runtime: bundles target node22 and the local cloud runs them on Node 20/22; the runtime is upgraded deliberately, with the bundle target.';
    acknowledge(this, 'AwsSolutions-L1', runtimeReason);
    acknowledge(this, 'Serverless-LambdaLatestVersion', runtimeReason);
    acknowledge(
      this,
      'Serverless-LambdaDLQ',
      'Functions invoked asynchronously (schedules) get an on-failure destination (EventInvokeConfig → AsyncInvocationFailures, see invokedAsynchronously), which supersedes DeadLetterConfig; the others are invoked synchronously (API Gateway, SQS event source mappings) and have no asynchronous failures.',
    );
  }

  /**
   * Declares that this function is invoked asynchronously (EventBridge schedule or rule → Lambda):
   * failed invocations are retried (twice by default), then their invocation records go to the
   * platform's AsyncInvocationFailures queue.
   */
  invokedAsynchronously(retryAttempts = 2): void {
    this.live.configureAsyncInvoke({ onFailure: this.asyncFailures, retryAttempts });
  }

  /**
   * Grants exactly `actions` (named, no wildcards) on `resources`, under `conditions` if given (an
   * IAM Condition block, e.g. `{ StringEquals: { 'events:source': ['commerce.catalog'] } }`).
   */
  allow(actions: readonly string[], resources: readonly string[], conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>): void {
    for (const action of actions) {
      if (action.includes('*')) throw new Error(`${this.node.id}: wildcard action ${action} is not allowed; name the actions`);
    }
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...actions],
        resources: [...resources],
        ...(conditions ? { conditions: Object.fromEntries(Object.entries(conditions).map(([operator, keys]) => [operator, { ...keys }])) } : {}),
      }),
    );
  }
}
