/**
 * The REST API (API.md): API Gateway with a Cognito authorizer over both user pools (and a staff-pool
 * only one for `/admin/*` and every staff-only route), access logs
 * without personal data, stage throttling, X-Ray, parameter validation (the Idempotency-Key header
 * on idempotent routes), CORS, and gateway errors rendered as `application/problem+json`.
 *
 * Routes come from the capabilities' route contracts (`functions/<capability>/routes.ts`): the same
 * objects drive the handlers' validation and the OpenAPI document, so path, method and auth are
 * declared once.
 */
import { Duration } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  Cors,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  type RequestValidator,
} from 'aws-cdk-lib/aws-apigateway';
import type { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './nag.ts';
import { Construct } from 'constructs';
import type { RouteContract } from '../../shared/http/route.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../../shared/errors.ts';
import type { StageSettings } from '../stage.ts';
import type { ServiceFunction } from './service-function.ts';

export interface CommerceApiProps {
  readonly stage: StageSettings;
  /** Customers sign in here; its tokens carry the `customer` role only. */
  readonly customerPool: UserPool;
  /** Staff sign in here; the only issuer whose tokens carry staff roles (shared/auth.ts). */
  readonly staffPool: UserPool;
}

/** True when only staff may call `route`: every `/admin/*` route, and any other open to staff roles only. */
export function isStaffOnly(route: RouteContract): boolean {
  return route.auth !== 'public' && route.auth.roles.length > 0 && !route.auth.roles.includes('customer');
}

/** Gateway-generated errors, as problems (slug, title, status). */
const GATEWAY_PROBLEMS: ReadonlyArray<[ResponseType, string, string, number]> = [
  [ResponseType.UNAUTHORIZED, 'unauthorized', 'Unauthorized', 401],
  [ResponseType.ACCESS_DENIED, 'forbidden', 'Forbidden', 403],
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, 'not-found', 'Not found', 404],
  [ResponseType.BAD_REQUEST_PARAMETERS, 'bad-request', 'Bad request', 400],
  [ResponseType.BAD_REQUEST_BODY, 'bad-request', 'Bad request', 400],
  [ResponseType.REQUEST_TOO_LARGE, 'request-too-large', 'Request too large', 413],
  [ResponseType.THROTTLED, 'throttled', 'Too many requests', 429],
  [ResponseType.QUOTA_EXCEEDED, 'throttled', 'Too many requests', 429],
  [ResponseType.DEFAULT_4XX, 'bad-request', 'Bad request', 400],
  [ResponseType.INTEGRATION_TIMEOUT, 'timeout', 'Gateway timeout', 504],
  [ResponseType.DEFAULT_5XX, 'internal', 'Internal server error', 500],
];

/** See the module documentation. */
export class CommerceApi extends Construct {
  readonly api: RestApi;
  /** Tokens of either pool: routes customers (or any signed-in caller) may call. */
  private readonly authorizer: CognitoUserPoolsAuthorizer;
  /** Tokens of the staff pool only: `/admin/*` and every other staff-only route. */
  private readonly staffAuthorizer: CognitoUserPoolsAuthorizer;
  private readonly staffPool: UserPool;
  private readonly publicReservedConcurrency: number | undefined;
  private readonly validator: RequestValidator;

  constructor(scope: Construct, id: string, props: CommerceApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.stage.logRetention, removalPolicy: props.stage.removalPolicy });
    this.api = new RestApi(this, 'Api', {
      restApiName: `commerce-${props.stage.name}`,
      description: 'Serverless commerce HTTP API (API.md)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stage.name,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.stage.throttling.rateLimit,
        throttlingBurstLimit: props.stage.throttling.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // No source IP, no user: access logs carry no personal data (SEC-2).
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            errorType: '$context.error.responseType',
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: props.stage.corsAllowOrigin === '*' ? Cors.ALL_ORIGINS : [props.stage.corsAllowOrigin],
        allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id', 'x-device-id', 'x-access-reason'],
        maxAge: Duration.hours(1),
      },
    });
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.customerPool, props.staffPool],
      identitySource: 'method.request.header.Authorization',
    });
    this.staffAuthorizer = new CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', { cognitoUserPools: [props.staffPool], identitySource: 'method.request.header.Authorization' });
    this.staffPool = props.staffPool;
    this.publicReservedConcurrency = props.stage.publicReservedConcurrency;
    this.validator = this.api.addRequestValidator('ParameterValidator', { validateRequestParameters: true, validateRequestBody: false });
    const origin = props.stage.corsAllowOrigin;
    for (const [type, slug, title, status] of GATEWAY_PROBLEMS) {
      this.api.addGatewayResponse(`${slug}-${type.responseType}`.replace(/[^A-Za-z0-9]/g, ''), {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': `'${PROBLEM_CONTENT_TYPE}'`, 'Access-Control-Allow-Origin': `'${origin}'` },
        templates: {
          'application/json': `{"type":"${PROBLEM_TYPE_BASE}${slug}","title":"${title}","status":${status},"detail":$context.error.messageString}`,
        },
      });
    }
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'Parameters are validated by API Gateway; bodies are validated by each handler with the same zod schemas that generate the OpenAPI document (problem+json with every offending field).',
    );
    if (props.stage.webAcl) this.addWebAcl(props.stage.webAcl.requestsPerIpPer5Minutes);
    else
      acknowledge(
        this.api,
        'AwsSolutions-APIG3',
        `The ${props.stage.name} stage has no WAF web ACL (a monthly fee and a per-request charge); prod has one (infra/stage.ts webAcl). Stage throttling is on.`,
      );
    acknowledge(
      this.api,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level CloudWatch role uses the AWS-managed AmazonAPIGatewayPushToCloudWatchLogs policy, the documented policy for it.",
    );
  }

  /**
   * Adds `route` (from a capability's routes.ts) served by `fn`. Public routes (said explicitly)
   * have no authorizer; staff-only routes — all of `/admin/*` — the staff pool's; the others accept
   * either pool. `fn` learns the staff pool's issuer (STAFF_POOL_ISSUER): the handler trusts staff
   * roles only in tokens from it (SEC-1).
   */
  addRoute(route: RouteContract, fn: ServiceFunction): void {
    if (route.auth === undefined) throw new Error(`${route.operation}: a route must say who may call it (auth: 'public' or { roles })`);
    const staffOnly = isStaffOnly(route);
    if (route.pathTemplate.startsWith('/admin/') && !staffOnly) throw new Error(`${route.operation}: ${route.pathTemplate} is under /admin/, which is for staff roles only`);
    const resource = this.api.root.resourceForPath(route.pathTemplate);
    const isPublic = route.auth === 'public';
    fn.addEnvironment('STAFF_POOL_ISSUER', this.staffPool.userPoolProviderUrl);
    // SEC-5: whatever anyone can reach (public, or open to self-registered customers) has a concurrency ceiling.
    const reachableByAnyone = isPublic || route.auth.roles.length === 0 || route.auth.roles.includes('customer');
    if (reachableByAnyone && this.publicReservedConcurrency !== undefined) (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = this.publicReservedConcurrency;
    const pathParameters = [...route.pathTemplate.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1] as string);
    const requestParameters: Record<string, boolean> = Object.fromEntries(pathParameters.map((p) => [`method.request.path.${p}`, true]));
    if (route.idempotent) requestParameters['method.request.header.Idempotency-Key'] = true;
    const method = resource.addMethod(route.method.toUpperCase(), new LambdaIntegration(fn.live, { proxy: true, allowTestInvoke: false }), {
      operationName: route.operation,
      requestValidator: this.validator,
      requestParameters,
      ...(isPublic
        ? { authorizationType: AuthorizationType.NONE }
        : { authorizationType: AuthorizationType.COGNITO, authorizer: staffOnly ? this.staffAuthorizer : this.authorizer }),
    });
    if (isPublic) {
      const reason = `${route.operation} is public by API.md (${route.method.toUpperCase()} ${route.pathTemplate}).`;
      acknowledge(method, 'AwsSolutions-APIG4', reason);
      acknowledge(method, 'AwsSolutions-COG4', reason);
    }
  }

  /**
   * The prod web ACL (SEC-5): a per-IP rate-based rule (blocks a source above `limit` requests in
   * any 5 minutes), then AWS's managed common rule set (OWASP-style: bad bots, path traversal,
   * oversized URIs and headers…) and known bad inputs. The common set's 8 KB body-size rule only
   * counts: the API caps bodies itself, per route (413).
   */
  private addWebAcl(limit: number): void {
    const visibility = (name: string) => ({ cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true });
    const managed = (name: string, priority: number, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
      visibilityConfig: visibility(name),
    });
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Commerce API: per-IP rate limit and AWS managed rules (SEC-5)',
      visibilityConfig: visibility('CommerceApiWebAcl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed('AWSManagedRulesCommonRuleSet', 1, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: acl.attrArn });
  }

  /** Suppresses the auth findings on CORS preflight methods (browsers send OPTIONS without a token). */
  acknowledgePreflight(): void {
    for (const child of this.api.methods) {
      if (child.httpMethod !== 'OPTIONS') continue;
      const reason = 'CORS preflight (OPTIONS, mock integration): browsers send it without credentials.';
      acknowledge(child, 'AwsSolutions-APIG4', reason);
      acknowledge(child, 'AwsSolutions-COG4', reason);
    }
  }

  get url(): string {
    return this.api.url;
  }
}
