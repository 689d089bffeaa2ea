/**
 * The staff console (KPI-3) on AWS, in a nested stack of its own:
 *  - a private S3 bucket (no public access, TLS only, S3-managed encryption) holding the built app
 *    under `console/`, readable by CloudFront only (Origin Access Control: the bucket policy allows
 *    `cloudfront.amazonaws.com` for this distribution's ARN and nothing else);
 *  - a CloudFront distribution: HTTPS only, strict security headers (CSP, HSTS, nosniff, no
 *    framing, no referrer to other origins); `/` and `/console` redirect to `/console/`, which
 *    serves `/console/index.html`; `/api/*` goes to the API Gateway stage with the `/api` prefix
 *    stripped, uncached, with every viewer header but Host (so `Authorization` reaches the Cognito
 *    authorizer) — the console calls its own origin and needs no CORS;
 *  - the built console (`console/build.ts`, built at synthesis into the cloud assembly) and its
 *    `config.json` (stage, API path, the staff pool's OAuth endpoints and the client id, resolved at
 *    deploy time), deployed by a BucketDeployment, which invalidates the distribution's cache;
 *  - sign-in: a Cognito prefix domain for the STAFF pool's hosted UI, and a public app client of
 *    that pool for the console: authorization code grant only (the console uses PKCE), no secret,
 *    the `openid` scope only (the console reads the user name and groups, never an email or a
 *    profile: staff personal data stays out of its tokens), redirect and sign-out URL the distribution's `/console/` only (the local
 *    cloud signs in with its own stand-in, never Cognito). MFA stays required by the pool itself.
 * The domain and the client live here, not with the pools in the parent stack: the client's URLs
 * name the distribution, and the parent already hands the pool to this stack — a client in the
 * parent would make the two stacks depend on each other.
 *
 * The BucketDeployment brings a Python Lambda function (the deployment's provider, run by
 * CloudFormation at deploy time only) and an AWS CLI layer. Its role is this module's own, with
 * exactly the grants it uses (the construct's own grants, which include wildcard actions, are
 * dropped); it is not a {@link ServiceFunction} and is marked {@link deployTimeOnly} so the alarm
 * generator leaves it out. The local cloud serves the console itself (infra/local/) and accepts
 * these resources as configuration (infra/local/template.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Aws, Duration, Fn, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, UserPoolDomain, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Construct, type IConstruct } from 'constructs';
import { CONSOLE_BUILD_DIR } from '../console/build.ts';
import { acknowledge } from './constructs/nag.ts';
import { PROJECT_ROOT } from './constructs/service-function.ts';
import type { StageSettings } from './stage.ts';

/** Where the console is served on the distribution (and the prefix of its objects in the bucket). */
export const CONSOLE_PATH = '/console/';

/** The directory of the cloud assembly the console is built into (before synthesis; if missing, here). */
export { CONSOLE_BUILD_DIR };

/** The console's `config.json` (read by the app next to its index.html). */
export interface ConsoleConfig {
  readonly stage: string;
  readonly apiUrl: string;
  readonly auth: { readonly authorizeUrl: string; readonly tokenUrl: string; readonly logoutUrl: string; readonly clientId: string; readonly scopes: string[] };
}

/** The OAuth scopes the console asks for (its client allows these only): `openid` — the ID token then carries the user name and groups the console shows, no email or profile. */
export const CONSOLE_SCOPES = ['openid'] as const;

const deployTimeOnlyFunctions = new WeakSet<IConstruct>();

/** Marks a function CloudFormation runs at deploy time only (a custom resource's provider): no alarms, no alias, not started locally. */
export function deployTimeOnly(fn: IConstruct): void {
  deployTimeOnlyFunctions.add(fn);
}

/** Whether {@link deployTimeOnly} marked `fn`. */
export function isDeployTimeOnly(fn: IConstruct): boolean {
  return deployTimeOnlyFunctions.has(fn);
}

/**
 * The built console in the cloud assembly of `scope`: built once per assembly. `npx cdk synth`
 * (infra/app.ts) builds it before synthesis (async, in-process); any other synthesis (tests, the
 * local cloud, the prebundler's planning pass) builds it here on first use, in a child process —
 * construction is synchronous. Offline, no Docker: esbuild only.
 */
export function builtConsole(scope: IConstruct): string {
  const stage = Stage.of(scope);
  if (!stage) throw new Error('builtConsole: the construct is not in an App');
  const outdir = path.join(stage.outdir, CONSOLE_BUILD_DIR);
  if (!fs.existsSync(path.join(outdir, 'index.html'))) {
    const build = path.join(PROJECT_ROOT, 'console', 'build.ts');
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await (await import(${JSON.stringify(build)})).buildConsole(${JSON.stringify(outdir)});`], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return outdir;
}

/** CloudFront Function (viewer request, default behaviour): `/` and `/console` → 301 `/console/`; `/console/` → `/console/index.html`. */
export const CONSOLE_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${CONSOLE_PATH}' } } };
  }
  if (uri === '${CONSOLE_PATH}') request.uri = '${CONSOLE_PATH}index.html';
  return request;
}`;

/** CloudFront Function (viewer request, `/api/*`): strips the `/api` prefix; the origin path adds the API's stage. */
export const API_PREFIX_CODE = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^\\/api(?=\\/|$)/, '') || '/';
  return request;
}`;

export interface StaffConsoleProps {
  readonly stage: StageSettings;
  readonly api: RestApi;
  readonly staffPool: IUserPool;
}

/** See the module documentation. */
export class StaffConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly domain: UserPoolDomain;
  readonly client: UserPoolClient;
  /** `https://<distribution domain>/console/` */
  readonly url: string;
  /** The deployed `config.json` (with deploy-time tokens). */
  readonly config: ConsoleConfig;

  constructor(scope: Construct, id: string, props: StaffConsoleProps) {
    super(scope, id);
    const { stage } = props;
    const destroy = stage.removalPolicy === RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: stage.removalPolicy,
    });

    // Sign-in: the staff pool's hosted UI on a Cognito prefix domain (unique per stage and account).
    this.domain = new UserPoolDomain(this, 'StaffDomain', {
      userPool: props.staffPool,
      cognitoDomain: { domainPrefix: `commerce-${stage.name}-${Aws.ACCOUNT_ID}` },
    });
    const cognitoOrigin = this.domain.baseUrl();

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Staff console (${stage.name}): strict security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            `connect-src 'self' ${cognitoOrigin}`,
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            `form-action 'self' ${cognitoOrigin}`,
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const rewrite = new CloudFrontFunction(this, 'ConsoleRewrite', {
      comment: '/ and /console → /console/; /console/ → /console/index.html',
      code: FunctionCode.fromInline(CONSOLE_REWRITE_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    const stripApi = new CloudFrontFunction(this, 'ApiPrefix', {
      comment: 'Strips /api before the request reaches the API stage',
      code: FunctionCode.fromInline(API_PREFIX_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    // The API's host: <id>.execute-api.<region>.<suffix> (from its URL https://<host>/<stage>/).
    const apiHost = Fn.select(2, Fn.split('/', props.api.url));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Staff console (${stage.name})`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new HttpOrigin(apiHost, { originPath: `/${props.api.deploymentStage.stageName}`, protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          functionAssociations: [{ function: stripApi, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}${CONSOLE_PATH}`;

    const urls = [this.url];
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.staffPool,
      userPoolClientName: `commerce-${stage.name}-staff-console`,
      generateSecret: false,
      // Sign-in happens on the hosted UI only; the client itself may refresh its tokens, nothing else.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID],
        callbackUrls: urls,
        logoutUrls: urls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.config = {
      stage: stage.name,
      apiUrl: '/api',
      auth: {
        authorizeUrl: `${cognitoOrigin}/oauth2/authorize`,
        tokenUrl: `${cognitoOrigin}/oauth2/token`,
        logoutUrl: `${cognitoOrigin}/logout`,
        clientId: this.client.userPoolClientId,
        scopes: [...CONSOLE_SCOPES],
      },
    };

    // The deployment's provider: its own role with exactly what `aws s3 sync` and the invalidation use.
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: stage.logRetention, removalPolicy: stage.removalPolicy });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Staff console deployment (BucketDeployment provider): reads its assets, writes console/ in the console bucket, invalidates the distribution',
    });
    const site = new Asset(this, 'Site', { path: builtConsole(this) });
    const deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.bucket(site.bucket, site.s3ObjectKey), Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PATH.slice(1),
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_PATH}*`],
      // The construct's own grants (wildcard actions) are dropped; the policy below grants what it uses.
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 512,
      // dev: deleting the stack deletes the objects (the bucket is destroyed too); prod keeps them with the bucket.
      retainOnDelete: !destroy,
    });
    // Its sources: the build and config.json (the AWS CLI layer's asset is read by Lambda, not by the function).
    const assets = [site, ...deployment.node.findAll().filter((c): c is Asset => c instanceof Asset && !c.node.scopes.some((s) => s instanceof LayerVersion))];
    const stackOf = Stack.of(this);
    const policy = new Policy(this, 'DeploymentPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: assets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${CONSOLE_PATH.slice(1)}*`] } },
        }),
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject', 's3:DeleteObject'], resources: [this.bucket.arnForObjects(`${CONSOLE_PATH.slice(1)}*`)] }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          resources: [stackOf.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: this.distribution.distributionId })],
        }),
      ],
    });
    // The provider function (a singleton in this stack) runs only while CloudFormation deploys: no alarms, no alias.
    const provider = stackOf.node.findAll().find((c): c is LambdaFunction => c instanceof LambdaFunction && c.role === deployment.handlerRole);
    if (!provider) throw new Error('StaffConsole: the BucketDeployment provider function was not found');
    deployTimeOnly(provider);
    provider.node.addDependency(policy);

    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      "The bucket holds the console's public build only (no data); it is read by CloudFront alone (OAC) and written by the deployment alone, whose API calls CloudTrail records.",
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Staff sign in from wherever they work; what is served is the static app, and everything behind it needs a staff-pool sign-in with MFA (the API authorizer).',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      "A CloudFront web ACL (us-east-1) is a monthly cost per distribution; /api requests still pass the API stage's own limits (throttling, and prod's regional web ACL), and the static app has nothing to attack.",
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR3',
      'CloudFront access logs record every viewer IP address (personal data, kept out of logs: SEC-2); API requests are logged by API Gateway access logs without personal data.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate fixes the minimum TLS version; a custom domain with an ACM certificate (README: Deploying) sets TLSv1.2_2021.',
    );
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::<${stackOf.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/${CONSOLE_PATH.slice(1)}*]`,
      "The deployment syncs the console's build (content-hashed file names, unknown before the build) into console/ and deletes stale files there: any object under that prefix, nothing else.",
    );
    const provided = 'by aws-cdk-lib’s BucketDeployment (its Python handler and AWS CLI layer), updated with aws-cdk-lib; it runs only while CloudFormation deploys the console';
    acknowledge(provider, 'AwsSolutions-L1', `The runtime is chosen ${provided}.`);
    acknowledge(provider, 'Serverless-LambdaLatestVersion', `The runtime is chosen ${provided}.`);
    acknowledge(
      provider,
      'Serverless-LambdaDLQ',
      'CloudFormation invokes this custom-resource provider synchronously while deploying; a failure fails (and rolls back) the deployment, there is no asynchronous event to keep.',
    );
    acknowledge(provider, 'Serverless-LambdaTracing', `A deploy-time custom resource: its handler is provided ${provided}, with no X-Ray instrumentation to record.`);
  }
}
