/**
 * Reads a synthesized cloud assembly (`cdk.out/`) the way the local cloud needs it: the stack
 * templates, their resources, local physical names for them, and intrinsic functions (Ref,
 * Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, pseudo parameters) resolved to those names.
 *
 * Every resource type and every property is checked against what the local cloud supports
 * (`SUPPORT` below): a resource it would have to skip stops it with a message naming the type,
 * property and logical id. Nothing is silently ignored; properties that have no local meaning
 * (IAM, log retention, tracing, …) are listed as such.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-protocol.ts';
import { flattenNestedStacks } from './nested-stacks.ts';
import { UnsupportedTemplateError, type StackTemplate, type TemplateResource } from './template-model.ts';

// The template shapes live in their own module so nested-stacks.ts can use them without a cycle.
export { UnsupportedTemplateError, type StackTemplate, type TemplateResource } from './template-model.ts';

/**
 * What the local cloud does with each resource type: `honoured` properties change behaviour
 * locally; `noLocalMeaning` ones are accepted because they configure something that does not
 * exist on one machine (IAM, log retention, X-Ray, billing…). Anything else stops the start.
 */
interface Support {
  honoured: string[];
  noLocalMeaning: string[];
}

export const SUPPORT: Record<string, Support> = {
  'AWS::DynamoDB::Table': {
    honoured: [
      'KeySchema',
      'AttributeDefinitions',
      'GlobalSecondaryIndexes',
      'LocalSecondaryIndexes',
      'TimeToLiveSpecification',
      'TableName',
      'BillingMode',
      'StreamSpecification',
    ],
    noLocalMeaning: [
      'PointInTimeRecoverySpecification',
      'SSESpecification',
      'DeletionProtectionEnabled',
      'Tags',
      'ContributorInsightsSpecification',
      'TableClass',
      'ProvisionedThroughput',
      'WarmThroughput',
    ],
  },
  'AWS::SQS::Queue': {
    honoured: [
      'QueueName',
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'ReceiveMessageWaitTimeSeconds',
      'MaximumMessageSize',
      'RedrivePolicy',
      'RedriveAllowPolicy',
    ],
    noLocalMeaning: ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'Tags'],
  },
  'AWS::SQS::QueuePolicy': { honoured: [], noLocalMeaning: ['PolicyDocument', 'Queues'] },
  'AWS::KMS::Key': {
    honoured: ['Enabled', 'KeySpec', 'KeyUsage'],
    noLocalMeaning: ['KeyPolicy', 'EnableKeyRotation', 'Description', 'PendingWindowInDays', 'Tags', 'RotationPeriodInDays', 'MultiRegion'],
  },
  'AWS::KMS::Alias': { honoured: ['AliasName', 'TargetKeyId'], noLocalMeaning: [] },
  'AWS::Lambda::Function': {
    honoured: ['Code', 'Handler', 'Runtime', 'Environment', 'Timeout', 'MemorySize', 'FunctionName', 'ReservedConcurrentExecutions', 'DeadLetterConfig', 'Role'],
    noLocalMeaning: ['Architectures', 'TracingConfig', 'LoggingConfig', 'Description', 'Tags', 'RuntimeManagementConfig', 'EphemeralStorage'],
  },
  // One version of each function runs locally: its `live` alias (and any version) invokes it; CodeDeploy's traffic shifting has nothing to shift.
  'AWS::Lambda::Alias': { honoured: ['FunctionName', 'Name'], noLocalMeaning: ['FunctionVersion', 'Description', 'RoutingConfig', 'ProvisionedConcurrencyConfig'] },
  'AWS::Lambda::Version': { honoured: ['FunctionName'], noLocalMeaning: ['Description', 'CodeSha256', 'ProvisionedConcurrencyConfig', 'RuntimePolicy'] },
  'AWS::CodeDeploy::Application': { honoured: [], noLocalMeaning: ['ApplicationName', 'ComputePlatform', 'Tags'] },
  'AWS::CodeDeploy::DeploymentGroup': {
    honoured: [],
    noLocalMeaning: [
      'ApplicationName',
      'AlarmConfiguration',
      'AutoRollbackConfiguration',
      'DeploymentConfigName',
      'DeploymentStyle',
      'ServiceRoleArn',
      'DeploymentGroupName',
      'Tags',
    ],
  },
  'AWS::Lambda::Permission': { honoured: [], noLocalMeaning: ['Action', 'FunctionName', 'Principal', 'SourceArn', 'SourceAccount'] },
  'AWS::Lambda::EventInvokeConfig': {
    honoured: ['FunctionName', 'Qualifier', 'MaximumRetryAttempts', 'MaximumEventAgeInSeconds', 'DestinationConfig'],
    noLocalMeaning: [],
  },
  'AWS::Lambda::EventSourceMapping': {
    honoured: ['EventSourceArn', 'FunctionName', 'BatchSize', 'MaximumBatchingWindowInSeconds', 'FunctionResponseTypes', 'Enabled', 'ScalingConfig'],
    noLocalMeaning: ['Tags'],
  },
  // Identity policies decide which DynamoDB requests a function may make (infra/local/iam.ts); other services do not check them.
  'AWS::IAM::Role': { honoured: ['Policies'], noLocalMeaning: ['AssumeRolePolicyDocument', 'ManagedPolicyArns', 'Description', 'RoleName', 'Tags', 'Path'] },
  'AWS::IAM::Policy': { honoured: ['PolicyDocument', 'Roles'], noLocalMeaning: ['PolicyName', 'Users', 'Groups'] },
  'AWS::Logs::LogGroup': { honoured: [], noLocalMeaning: ['RetentionInDays', 'LogGroupName', 'KmsKeyId', 'Tags', 'LogGroupClass'] },
  'AWS::Events::EventBus': { honoured: ['Name'], noLocalMeaning: ['Tags', 'Description', 'KmsKeyIdentifier', 'DeadLetterConfig'] },
  'AWS::Events::Archive': { honoured: ['SourceArn', 'EventPattern', 'RetentionDays', 'ArchiveName'], noLocalMeaning: ['Description', 'KmsKeyIdentifier'] },
  'AWS::Events::Rule': {
    honoured: ['EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Targets', 'Name'],
    noLocalMeaning: ['Description', 'RoleArn', 'Tags'],
  },
  'AWS::ApiGateway::RestApi': {
    honoured: ['Name'],
    noLocalMeaning: ['Description', 'EndpointConfiguration', 'Policy', 'Tags', 'DisableExecuteApiEndpoint', 'MinimumCompressionSize', 'BinaryMediaTypes'],
  },
  'AWS::ApiGateway::Resource': { honoured: ['ParentId', 'PathPart', 'RestApiId'], noLocalMeaning: [] },
  'AWS::ApiGateway::Method': {
    honoured: ['HttpMethod', 'ResourceId', 'RestApiId', 'AuthorizationType', 'AuthorizerId', 'Integration', 'RequestParameters', 'RequestValidatorId', 'MethodResponses'],
    noLocalMeaning: ['OperationName', 'ApiKeyRequired', 'AuthorizationScopes', 'RequestModels'],
  },
  'AWS::ApiGateway::Authorizer': { honoured: ['Type', 'IdentitySource', 'ProviderARNs', 'RestApiId', 'Name'], noLocalMeaning: ['AuthorizerResultTtlInSeconds'] },
  'AWS::ApiGateway::RequestValidator': { honoured: ['ValidateRequestParameters', 'ValidateRequestBody', 'RestApiId', 'Name'], noLocalMeaning: [] },
  'AWS::ApiGateway::Deployment': { honoured: [], noLocalMeaning: ['RestApiId', 'Description', 'StageName'] },
  'AWS::ApiGateway::Stage': {
    honoured: ['StageName', 'MethodSettings', 'RestApiId', 'DeploymentId'],
    noLocalMeaning: ['AccessLogSetting', 'TracingEnabled', 'Description', 'Tags', 'CacheClusterEnabled', 'Variables'],
  },
  'AWS::ApiGateway::GatewayResponse': { honoured: ['ResponseType', 'StatusCode', 'ResponseParameters', 'ResponseTemplates', 'RestApiId'], noLocalMeaning: [] },
  'AWS::ApiGateway::Model': { honoured: [], noLocalMeaning: ['ContentType', 'Schema', 'RestApiId', 'Name', 'Description'] },
  'AWS::ApiGateway::Account': { honoured: [], noLocalMeaning: ['CloudWatchRoleArn'] },
  'AWS::Cognito::UserPool': {
    honoured: ['UserPoolName'],
    noLocalMeaning: [
      'AccountRecoverySetting',
      'AdminCreateUserConfig',
      'AliasAttributes',
      'AutoVerifiedAttributes',
      'DeletionProtection',
      'DeviceConfiguration',
      'EmailConfiguration',
      'EmailVerificationMessage',
      'EmailVerificationSubject',
      'EnabledMfas',
      'LambdaConfig',
      'MfaConfiguration',
      'Policies',
      'Schema',
      'SmsAuthenticationMessage',
      'SmsConfiguration',
      'SmsVerificationMessage',
      'UserAttributeUpdateSettings',
      'UsernameAttributes',
      'UsernameConfiguration',
      'UserPoolAddOns',
      'UserPoolTags',
      'VerificationMessageTemplate',
      'UserPoolTier',
      'SignInPolicy',
    ],
  },
  'AWS::Cognito::UserPoolClient': {
    honoured: ['UserPoolId', 'ClientName'],
    noLocalMeaning: [
      'AllowedOAuthFlows',
      'AllowedOAuthFlowsUserPoolClient',
      'AllowedOAuthScopes',
      'CallbackURLs',
      'ExplicitAuthFlows',
      'GenerateSecret',
      'LogoutURLs',
      'PreventUserExistenceErrors',
      'SupportedIdentityProviders',
      'AccessTokenValidity',
      'IdTokenValidity',
      'RefreshTokenValidity',
      'TokenValidityUnits',
      'EnableTokenRevocation',
      'AuthSessionValidity',
      'ReadAttributes',
      'WriteAttributes',
    ],
  },
  'AWS::Cognito::UserPoolGroup': { honoured: ['GroupName', 'UserPoolId'], noLocalMeaning: ['Description', 'Precedence', 'RoleArn'] },
  'AWS::CDK::Metadata': { honoured: [], noLocalMeaning: ['Analytics'] },
  'AWS::S3::Bucket': {
    honoured: ['BucketName', 'ObjectLockEnabled', 'ObjectLockConfiguration', 'VersioningConfiguration'],
    noLocalMeaning: ['BucketEncryption', 'PublicAccessBlockConfiguration', 'LoggingConfiguration', 'LifecycleConfiguration', 'Tags', 'OwnershipControls'],
  },
  'AWS::S3::BucketPolicy': { honoured: [], noLocalMeaning: ['Bucket', 'PolicyDocument'] },
  // Alarms are evaluated against the local metrics (alarms.ts; `npm run ops`); no SNS deliveries on one machine.
  'AWS::CloudWatch::Alarm': {
    honoured: [
      'AlarmName',
      'AlarmDescription',
      'MetricName',
      'Namespace',
      'Statistic',
      'ExtendedStatistic',
      'Period',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'Threshold',
      'ComparisonOperator',
      'TreatMissingData',
      'Dimensions',
      'Metrics',
      'ThresholdMetricId',
    ],
    noLocalMeaning: ['AlarmActions', 'OKActions', 'InsufficientDataActions', 'ActionsEnabled', 'Unit', 'Tags', 'EvaluateLowSampleCountPercentile'],
  },
  'AWS::CloudWatch::CompositeAlarm': {
    honoured: [],
    noLocalMeaning: [
      'AlarmName',
      'AlarmDescription',
      'AlarmRule',
      'AlarmActions',
      'OKActions',
      'InsufficientDataActions',
      'ActionsEnabled',
      'ActionsSuppressor',
      'ActionsSuppressorWaitPeriod',
      'ActionsSuppressorExtensionPeriod',
      'Tags',
    ],
  },
  'AWS::CloudWatch::Dashboard': { honoured: [], noLocalMeaning: ['DashboardName', 'DashboardBody', 'Tags'] },
  // Prod's table backups (AWS Backup): nothing to back up to on one machine.
  'AWS::Backup::BackupVault': { honoured: [], noLocalMeaning: ['BackupVaultName', 'EncryptionKeyArn', 'AccessPolicy', 'LockConfiguration', 'Notifications', 'BackupVaultTags'] },
  'AWS::Backup::BackupPlan': { honoured: [], noLocalMeaning: ['BackupPlan', 'BackupPlanTags'] },
  'AWS::Backup::BackupSelection': { honoured: [], noLocalMeaning: ['BackupPlanId', 'BackupSelection'] },
  'AWS::SNS::Topic': { honoured: [], noLocalMeaning: ['TopicName', 'DisplayName', 'KmsMasterKeyId', 'Tags', 'Subscription'] },
  'AWS::SNS::TopicPolicy': { honoured: [], noLocalMeaning: ['PolicyDocument', 'Topics'] },
  // The prod stage's WAF in front of the API: nothing to filter on one machine (API Gateway throttling is emulated).
  'AWS::WAFv2::WebACL': {
    honoured: [],
    noLocalMeaning: [
      'Name',
      'Scope',
      'DefaultAction',
      'Description',
      'VisibilityConfig',
      'Rules',
      'Tags',
      'CustomResponseBodies',
      'CaptchaConfig',
      'ChallengeConfig',
      'TokenDomains',
      'AssociationConfig',
    ],
  },
  'AWS::WAFv2::WebACLAssociation': { honoured: [], noLocalMeaning: ['ResourceArn', 'WebACLArn'] },
};

/**
 * The staff console's hosting and sign-in on AWS (infra/console.ts), accepted here by type as
 * configuration only — each is served differently on one machine:
 *  - the CloudFront distribution, its functions (`/console/` → index.html, `/api` prefix), response
 *    headers policy and origin access control: the local cloud serves the console and the API on
 *    its own port (`/console/`, the API at the root) — CloudFront's rewrites, headers and caching
 *    have no local counterpart;
 *  - the BucketDeployment (`Custom::CDKBucketDeployment`), its AWS CLI layer and its provider
 *    function (Python, run by CloudFormation at deploy time; see {@link deployTimeProviders}):
 *    locally the console is built from `console/` and served as files, nothing is uploaded;
 *  - the staff pool's hosted-UI domain (`AWS::Cognito::UserPoolDomain`): locally the token
 *    issuer (local-issuer.ts) mints staff tokens; there is no hosted UI. (The console's app client
 *    is an ordinary `AWS::Cognito::UserPoolClient`, whose OAuth settings are configuration.)
 * Their properties are all without local meaning; an unknown type is still refused.
 */
export const SERVED_DIFFERENTLY_LOCALLY: Record<string, readonly string[]> = {
  'AWS::CloudFront::Distribution': ['DistributionConfig', 'Tags'],
  'AWS::CloudFront::Function': ['Name', 'AutoPublish', 'FunctionCode', 'FunctionConfig', 'Tags'],
  'AWS::CloudFront::ResponseHeadersPolicy': ['ResponseHeadersPolicyConfig'],
  'AWS::CloudFront::OriginAccessControl': ['OriginAccessControlConfig'],
  'AWS::Cognito::UserPoolDomain': ['Domain', 'UserPoolId', 'ManagedLoginVersion', 'CustomDomainConfig'],
  'Custom::CDKBucketDeployment': [
    'ServiceToken',
    'SourceBucketNames',
    'SourceObjectKeys',
    'SourceMarkers',
    'SourceMarkersConfig',
    'DestinationBucketName',
    'DestinationBucketKeyPrefix',
    'DestinationBucketArn',
    'Extract',
    'Prune',
    'RetainOnDelete',
    'Exclude',
    'Include',
    'UserMetadata',
    'SystemMetadata',
    'DistributionId',
    'DistributionPaths',
    'WaitForDistributionInvalidation',
    'OutputObjectKeys',
  ],
  'AWS::Lambda::LayerVersion': ['Content', 'Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo', 'LayerName'],
};
for (const [type, properties] of Object.entries(SERVED_DIFFERENTLY_LOCALLY)) SUPPORT[type] = { honoured: [], noLocalMeaning: [...properties] };

/** What a deploy-time provider function may set: it is never started locally, so none of it has local meaning. */
const DEPLOY_TIME_PROVIDER: Support = {
  honoured: [],
  noLocalMeaning: [
    'Code',
    'Handler',
    'Runtime',
    'Layers',
    'Role',
    'Environment',
    'Timeout',
    'MemorySize',
    'Architectures',
    'LoggingConfig',
    'Description',
    'Tags',
    'EphemeralStorage',
  ],
};

/**
 * The functions that are custom-resource providers of a type in {@link SERVED_DIFFERENTLY_LOCALLY}
 * (the console's BucketDeployment: a Python function CloudFormation runs while deploying). The
 * local cloud does not start them (it runs Node.js functions only, and nothing invokes them here).
 */
export function deployTimeProviders(stack: Pick<StackTemplate, 'Resources'>): Set<string> {
  const providers = new Set<string>();
  for (const resource of Object.values(stack.Resources)) {
    if (!resource.Type.startsWith('Custom::') || !SERVED_DIFFERENTLY_LOCALLY[resource.Type]) continue;
    for (const id of referencedLogicalIds(resource.Properties?.ServiceToken)) if (stack.Resources[id]?.Type === 'AWS::Lambda::Function') providers.add(id);
  }
  return providers;
}

/** Reads the manifest of a cloud assembly and returns every stack template in it. */
export function readAssembly(assemblyDir: string): StackTemplate[] {
  const manifestFile = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new Error(`No cloud assembly at ${assemblyDir}: run \`npx cdk synth\` first.`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const templateFile = path.join(assemblyDir, artifact.properties.templateFile);
    const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as Omit<StackTemplate, 'stackName' | 'templateFile'>;
    // Nested stacks are merged into their parent: the local cloud runs the tree as one template.
    stacks.push(flattenNestedStacks({ ...template, stackName: artifact.properties.stackName ?? id, templateFile }, assemblyDir));
  }
  if (stacks.length === 0) throw new Error(`The cloud assembly at ${assemblyDir} contains no stack.`);
  return stacks;
}

/** Stops with a message naming every resource type or property the local cloud does not support. */
export function assertSupported(stack: StackTemplate): void {
  const problems: string[] = [];
  const providers = deployTimeProviders(stack);
  if (stack.Conditions && Object.keys(stack.Conditions).length > 0) problems.push('template Conditions are not supported');
  for (const [logicalId, resource] of Object.entries(stack.Resources)) {
    const support = providers.has(logicalId) ? DEPLOY_TIME_PROVIDER : SUPPORT[resource.Type];
    if (!support) {
      problems.push(`resource type ${resource.Type} (${logicalId}) is not supported`);
      continue;
    }
    if (resource.Condition) problems.push(`${logicalId}: resource conditions are not supported`);
    for (const property of Object.keys(resource.Properties ?? {})) {
      if (!support.honoured.includes(property) && !support.noLocalMeaning.includes(property)) {
        problems.push(`property ${property} of ${resource.Type} (${logicalId}) is not supported`);
      }
    }
  }
  if (problems.length > 0) {
    throw new UnsupportedTemplateError(
      `The local cloud cannot run stack ${stack.stackName} faithfully:\n  - ${problems.join('\n  - ')}\n` +
        'Add support in infra/local/ (with a test) or change the stack; nothing is skipped silently.',
    );
  }
}

/** A deterministic UUID-shaped id derived from a name, so local ids survive re-synthesis. */
export function stableUuid(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface LocalEndpoints {
  api: string;
  aws: string;
  dynamodb: string;
}

/**
 * The local physical identity of every resource: its `Ref` value and its `Fn::GetAtt` attributes.
 * Names follow `<stack>-<logicalId>` unless the template names the resource explicitly.
 */
export class ResourceNames {
  private readonly refs = new Map<string, string>();
  private readonly attrs = new Map<string, Record<string, string>>();

  constructor(
    readonly stack: StackTemplate,
    readonly endpoints: LocalEndpoints,
  ) {
    for (const [logicalId, resource] of Object.entries(stack.Resources)) this.name(logicalId, resource);
  }

  private name(logicalId: string, resource: TemplateResource): void {
    const p = resource.Properties ?? {};
    const given = (key: string): string | undefined => (typeof p[key] === 'string' ? (p[key] as string) : undefined);
    const base = `${this.stack.stackName}-${logicalId}`;
    const arn = (service: string, resourcePart: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resourcePart}`;
    let ref = logicalId;
    let attrs: Record<string, string> = {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        ref = given('TableName') ?? base;
        attrs = { Arn: arn('dynamodb', `table/${ref}`), StreamArn: arn('dynamodb', `table/${ref}/stream/local`) };
        break;
      }
      case 'AWS::SQS::Queue': {
        const name = given('QueueName') ?? base;
        ref = `${this.endpoints.aws}/${LOCAL_ACCOUNT}/${name}`;
        attrs = { Arn: arn('sqs', name), QueueName: name, QueueUrl: ref };
        break;
      }
      case 'AWS::Lambda::Function': {
        ref = given('FunctionName') ?? base;
        attrs = { Arn: arn('lambda', `function:${ref}`) };
        break;
      }
      case 'AWS::Lambda::Alias':
      case 'AWS::Lambda::Version': {
        // Ref of an alias or version is its qualified ARN; locally both name the function's one version.
        const fnId = [...referencedLogicalIds(p.FunctionName)][0] as string;
        const fnName = (this.stack.Resources[fnId]?.Properties?.FunctionName as string | undefined) ?? `${this.stack.stackName}-${fnId}`;
        const qualifier = resource.Type === 'AWS::Lambda::Alias' ? (given('Name') ?? 'live') : '1';
        ref = arn('lambda', `function:${fnName}:${qualifier}`);
        attrs = resource.Type === 'AWS::Lambda::Alias' ? { AliasArn: ref } : { Version: qualifier, FunctionArn: ref };
        break;
      }
      case 'AWS::KMS::Key': {
        ref = stableUuid(`${this.stack.stackName}/${logicalId}`);
        attrs = { Arn: arn('kms', `key/${ref}`), KeyId: ref };
        break;
      }
      case 'AWS::KMS::Alias':
        ref = given('AliasName') ?? `alias/${base}`;
        break;
      case 'AWS::Events::EventBus': {
        ref = given('Name') ?? base;
        attrs = { Arn: arn('events', `event-bus/${ref}`), Name: ref };
        break;
      }
      case 'AWS::Events::Rule': {
        ref = given('Name') ?? base;
        attrs = { Arn: arn('events', `rule/${ref}`) };
        break;
      }
      case 'AWS::Events::Archive': {
        ref = given('ArchiveName') ?? base;
        attrs = { Arn: arn('events', `archive/${ref}`) };
        break;
      }
      case 'AWS::Cognito::UserPool': {
        ref = `${LOCAL_REGION}_${logicalId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}`;
        attrs = {
          Arn: arn('cognito-idp', `userpool/${ref}`),
          ProviderName: `cognito-idp.${LOCAL_REGION}.amazonaws.com/${ref}`,
          ProviderURL: `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${ref}`,
          UserPoolId: ref,
        };
        break;
      }
      case 'AWS::Cognito::UserPoolClient':
        ref = stableUuid(`${this.stack.stackName}/${logicalId}`).replace(/-/g, '').slice(0, 26);
        attrs = { ClientId: ref };
        break;
      case 'AWS::ApiGateway::RestApi':
        ref = stableUuid(logicalId).slice(0, 10);
        attrs = { RootResourceId: `${logicalId}:root` };
        break;
      case 'AWS::IAM::Role':
        attrs = { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${base}`, RoleId: base };
        ref = base;
        break;
      case 'AWS::S3::Bucket': {
        // Bucket names are lower case, 3–63 characters.
        ref =
          given('BucketName') ??
          `${this.stack.stackName}-${logicalId}`
            .toLowerCase()
            .replace(/[^a-z0-9.-]/g, '-')
            .slice(0, 63);
        attrs = { Arn: `arn:aws:s3:::${ref}`, DomainName: `${ref}.s3.amazonaws.com`, RegionalDomainName: `${ref}.s3.${LOCAL_REGION}.amazonaws.com` };
        break;
      }
      case 'AWS::WAFv2::WebACL': {
        ref = `${base}|${stableUuid(base)}|REGIONAL`;
        attrs = { Arn: arn('wafv2', `regional/webacl/${base}/${stableUuid(base)}`), Id: stableUuid(base) };
        break;
      }
      case 'AWS::SNS::Topic': {
        ref = arn('sns', given('TopicName') ?? base);
        attrs = { TopicArn: ref, TopicName: given('TopicName') ?? base };
        break;
      }
      case 'AWS::Logs::LogGroup':
        ref = given('LogGroupName') ?? base;
        attrs = { Arn: arn('logs', `log-group:${ref}:*`) };
        break;
      default:
        ref = logicalId;
    }
    this.refs.set(logicalId, ref);
    this.attrs.set(logicalId, attrs);
  }

  ref(logicalId: string): string {
    const value = this.refs.get(logicalId);
    if (value === undefined) throw new UnsupportedTemplateError(`Ref to unknown resource ${logicalId}`);
    return value;
  }

  getAtt(logicalId: string, attribute: string): string {
    const value = this.attrs.get(logicalId)?.[attribute];
    if (value === undefined) {
      const type = this.stack.Resources[logicalId]?.Type ?? 'unknown type';
      throw new UnsupportedTemplateError(`Fn::GetAtt ${logicalId}.${attribute} (${type}) is not supported by the local cloud`);
    }
    return value;
  }

  /** The logical id whose Ref or Arn equals `value`, if any (e.g. to find a queue from its ARN). */
  logicalIdOf(value: string): string | undefined {
    for (const [id, ref] of this.refs) if (ref === value) return id;
    for (const [id, attrs] of this.attrs) if (Object.values(attrs).includes(value)) return id;
    return undefined;
  }

  /** Resolves CloudFormation intrinsic functions in `value` to local names. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = obj[key];
      switch (key) {
        case 'Ref':
          return this.resolveRef(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(String(id), String(attr));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number | string, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(sep);
        }
        case 'Fn::Sub':
          return this.resolveSub(arg);
        case 'Fn::If':
        case 'Fn::ImportValue':
        case 'Fn::FindInMap':
        case 'Fn::GetAZs':
        case 'Fn::Base64':
        case 'Fn::Cidr':
          throw new UnsupportedTemplateError(`intrinsic ${key} is not supported by the local cloud`);
        default:
          break;
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(obj[k])]));
  }

  private resolveRef(name: string): string {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${this.stack.stackName}/local`;
      case 'AWS::NoValue':
        return '';
      default: {
        const parameter = this.stack.Parameters?.[name];
        if (parameter) {
          if (parameter.Default === undefined) throw new UnsupportedTemplateError(`parameter ${name} has no default`);
          return String(parameter.Default);
        }
        return this.ref(name);
      }
    }
  }

  private resolveSub(arg: unknown): string {
    const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, expr: string) => {
      if (expr.startsWith('!')) return '${' + expr.slice(1) + '}';
      if (vars[expr] !== undefined) return String(this.resolve(vars[expr]));
      const dot = expr.indexOf('.');
      return dot > 0 ? this.getAtt(expr.slice(0, dot), expr.slice(dot + 1)) : this.resolveRef(expr);
    });
  }

  /** Resources of one type, with their properties resolved. */
  ofType(type: string): Array<{ logicalId: string; properties: Record<string, unknown> }> {
    return Object.entries(this.stack.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, r]) => ({ logicalId, properties: this.resolve(r.Properties ?? {}) as Record<string, unknown> }));
  }

  /** Resources of one type with properties UNRESOLVED (to follow references between resources). */
  rawOfType(type: string): Array<{ logicalId: string; properties: Record<string, unknown> }> {
    return Object.entries(this.stack.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, r]) => ({ logicalId, properties: r.Properties ?? {} }));
  }
}

/** Finds the logical ids of resources referenced (Ref or GetAtt) anywhere inside `value`. */
export function referencedLogicalIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedLogicalIds(v, into));
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string' && !obj.Ref.startsWith('AWS::')) into.add(obj.Ref);
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') into.add(getAtt[0]);
    Object.values(obj).forEach((v) => referencedLogicalIds(v, into));
  }
  return into;
}
