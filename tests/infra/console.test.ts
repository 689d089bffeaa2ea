/**
 * The staff console's AWS side (KPI-3, SEC-1): a private bucket only CloudFront reads (OAC),
 * a distribution that redirects to HTTPS, sends strict security headers and forwards `/api/*`
 * uncached with the caller's Authorization to the API stage, a BucketDeployment with its own
 * narrow role, the staff pool's hosted-UI domain and a public code-grant client, and the deployed
 * `config.json`. cdk-nag's packs run at every synthesis (commerce-stack.test.ts).
 */
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX_CODE, CONSOLE_REWRITE_CODE } from '../../infra/console.ts';
import { deployTimeProviders, SERVED_DIFFERENTLY_LOCALLY, type StackTemplate } from '../../infra/local/template.ts';
import { grantsByFunction } from './grants.ts';
import { resourcesOf, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
beforeAll(async () => {
  dev = synth('dev');
  // Each synthesis blocks for a while: let the test runner's messages through in between.
  await new Promise((resolve) => setTimeout(resolve, 0));
  prod = synth('prod');
}, 300_000);

type Props = Record<string, unknown>;
const one = (s: Synthesized, type: string): [string, Props] => {
  const found = resourcesOf(s.json, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const distribution = (s: Synthesized) => one(s, 'AWS::CloudFront::Distribution');
const config = (s: Synthesized) =>
  distribution(s)[1].DistributionConfig as {
    DefaultCacheBehavior: Props & { FunctionAssociations: Array<{ EventType: string; FunctionARN: unknown }> };
    CacheBehaviors: Array<Props & { PathPattern: string; FunctionAssociations: Array<{ EventType: string; FunctionARN: unknown }> }>;
    Origins: Array<Props & { Id: string; DomainName: unknown; OriginPath?: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: Props }>;
  };
/** The console bucket: the one the distribution's S3 origin reads. */
const consoleBucket = (s: Synthesized) => {
  const origin = config(s).Origins.find((o) => o.OriginAccessControlId !== undefined)!;
  return (origin.DomainName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
};
// The ids of managed policies (AWS documentation: managed cache and origin request policies).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** Runs a CloudFront Function's code (cloudfront-js-2.0 is ECMAScript with a `handler(event)`). */
function runFunction(code: string, uri: string): { uri?: string; statusCode?: number; headers?: Record<string, { value: string }> } {
  const handler = vm.runInNewContext(`${code}; handler`) as (event: unknown) => { uri?: string; statusCode?: number };
  return handler({ request: { uri, method: 'GET', querystring: {}, headers: {} } });
}

describe('KPI-3: the staff console on CloudFront', () => {
  it('the bucket is private: all public access blocked, TLS enforced, S3-managed encryption; only CloudFront (this distribution, OAC) may read it', () => {
    for (const s of [dev, prod]) {
      const bucketId = consoleBucket(s);
      const bucket = s.json.Resources[bucketId]!;
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      expect(bucket.DeletionPolicy).toBe(s === dev ? 'Delete' : 'Retain');
      const policies = resourcesOf(s.json, 'AWS::S3::BucketPolicy').filter(([, p]) => (p.Bucket as { Ref?: string }).Ref === bucketId);
      expect(policies).toHaveLength(1);
      type Statement = { Effect: string; Principal: unknown; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
      const statements = (policies[0]![1].PolicyDocument as { Statement: Statement[] }).Statement;
      const allows = statements.filter((st) => st.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
      const sourceArn = JSON.stringify(allows[0]!.Condition?.StringEquals?.['AWS:SourceArn']);
      expect(sourceArn).toContain(distribution(s)[0]);
      expect(statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(true);
      const [, oac] = one(s, 'AWS::CloudFront::OriginAccessControl');
      expect(oac.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    }
  });

  it('viewers are redirected to HTTPS; the default behaviour rewrites /console/ to its index.html and redirects / and /console there', () => {
    const c = config(dev);
    expect(c.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(c.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: expect.anything() }]);
    const rewriteId = (c.DefaultCacheBehavior.FunctionAssociations[0]!.FunctionARN as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    expect(dev.json.Resources[rewriteId]?.Properties).toMatchObject({ FunctionCode: CONSOLE_REWRITE_CODE, FunctionConfig: { Runtime: 'cloudfront-js-2.0' }, AutoPublish: true });
    expect(runFunction(CONSOLE_REWRITE_CODE, '/console/').uri).toBe('/console/index.html');
    expect(runFunction(CONSOLE_REWRITE_CODE, '/console/app-ABC123.js').uri).toBe('/console/app-ABC123.js');
    expect(runFunction(CONSOLE_REWRITE_CODE, '/console/config.json').uri).toBe('/console/config.json');
    for (const uri of ['/console', '/']) {
      const response = runFunction(CONSOLE_REWRITE_CODE, uri);
      expect(response.statusCode, uri).toBe(301);
      expect(response.headers?.location?.value, uri).toBe('/console/');
    }
  });

  it('every response carries strict security headers: CSP (self, the staff pool’s sign-in domain, no framing), HSTS, nosniff, DENY, a referrer policy', () => {
    for (const s of [dev, prod]) {
      const [id, policy] = one(s, 'AWS::CloudFront::ResponseHeadersPolicy');
      const security = (policy.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Props> }).SecurityHeadersConfig;
      const csp = JSON.stringify(security.ContentSecurityPolicy!.ContentSecurityPolicy);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/connect-src 'self' https:\/\/",\{"Ref":"ConsoleStaffDomain[0-9A-F]+"\},"\.auth\.",\{"Ref":"AWS::Region"\},"\.amazoncognito\.com/);
      expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true });
      expect(security.ContentTypeOptions).toMatchObject({ Override: true });
      expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY', Override: true });
      expect(security.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer', Override: true });
      const c = config(s);
      for (const behaviour of [c.DefaultCacheBehavior, ...c.CacheBehaviors]) expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: id });
    }
  });

  it('/api/* goes to the API stage over HTTPS, uncached, with every viewer header but Host (Authorization reaches the Cognito authorizer), the /api prefix stripped — no CORS needed', () => {
    for (const s of [dev, prod]) {
      const c = config(s);
      const api = c.CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
      expect(api).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'OPTIONS']),
      });
      const origin = c.Origins.find((o) => o.Id === api.TargetOriginId)!;
      expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      // https://<api id>.execute-api.<region>.<suffix>/<stage>/ → the host, and the stage as origin path.
      expect(JSON.stringify(origin.DomainName)).toMatch(/^\{"Fn::Select":\[2,\{"Fn::Split":\["\/",\{"Fn::Join":\["",\["https:\/\/",.*"\.execute-api\."/);
      expect(JSON.stringify(origin.OriginPath)).toContain('"/"');
      const stripId = (api.FunctionAssociations[0]!.FunctionARN as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      expect(api.FunctionAssociations).toHaveLength(1);
      expect(api.FunctionAssociations[0]!.EventType).toBe('viewer-request');
      expect(s.json.Resources[stripId]?.Properties).toMatchObject({ FunctionCode: API_PREFIX_CODE });
    }
    expect(runFunction(API_PREFIX_CODE, '/api/orders/o-1').uri).toBe('/orders/o-1');
    expect(runFunction(API_PREFIX_CODE, '/api/').uri).toBe('/');
    expect(runFunction(API_PREFIX_CODE, '/api').uri).toBe('/');
    expect(runFunction(API_PREFIX_CODE, '/apiary/x').uri).toBe('/apiary/x');
  });
});

describe('SEC-1, KPI-3: staff sign in to the console on the staff pool’s hosted UI', () => {
  const consoleClient = (s: Synthesized) => resourcesOf(s.json, 'AWS::Cognito::UserPoolClient').find(([id]) => id.startsWith('ConsoleConsoleClient'))!;

  it('the console client is public (no secret), authorization code grant only, the openid scope only (no staff email or profile in its tokens), redirect and sign-out at the distribution’s /console/ only (no localhost redirect: the local cloud has its own sign-in), ID token 1 h, refresh 12 h', () => {
    for (const s of [dev, prod]) {
      const [, client] = consoleClient(s);
      expect(client).toMatchObject({
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        SupportedIdentityProviders: ['COGNITO'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        IdTokenValidity: 60,
        RefreshTokenValidity: 720,
        TokenValidityUnits: { IdToken: 'minutes', RefreshToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
      expect(client.AllowedOAuthScopes).toEqual(['openid']);
      // The staff pool (MFA required) — not the customer pool.
      expect(JSON.stringify(client.UserPoolId)).toContain('StaffPool');
      const distributionUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution(s)[0], 'DomainName'] }, '/console/']] };
      const expected = [distributionUrl];
      expect(client.CallbackURLs).toEqual(expected);
      expect(client.LogoutURLs).toEqual(expected);
    }
  });

  it('the staff pool has a Cognito prefix domain unique per stage and account', () => {
    for (const [s, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const [, domain] = one(s, 'AWS::Cognito::UserPoolDomain');
      expect(domain.Domain).toEqual({ 'Fn::Join': ['', [`commerce-${stage}-`, { Ref: 'AWS::AccountId' }]] });
      expect(JSON.stringify(domain.UserPoolId)).toContain('StaffPool');
    }
  });

  it('config.json (next to index.html) holds the stage, /api and the OAuth endpoints and client id, resolved at deploy time', () => {
    for (const [s, stage] of [
      [dev, 'dev'],
      [prod, 'prod'],
    ] as const) {
      const [, deployment] = one(s, 'Custom::CDKBucketDeployment');
      expect(deployment).toMatchObject({ DestinationBucketKeyPrefix: 'console/', DestinationBucketName: { Ref: consoleBucket(s) }, DistributionPaths: ['/console/*'] });
      expect(deployment.RetainOnDelete).toBe(s === prod);
      const sources = s.stack.console.node.findAll().filter((c) => c.node.id === 'Deployment');
      expect(sources).toHaveLength(1);
      const markers = (deployment.SourceMarkers as Array<Record<string, unknown>>)[1]!;
      // The rendered config with its deploy-time markers, as the deployment writes it.
      const rendered = s.stack.resolve(s.stack.console.config) as Record<string, unknown>;
      expect(rendered).toMatchObject({ stage, apiUrl: '/api', auth: { scopes: ['openid'] } });
      const auth = JSON.stringify(rendered.auth);
      for (const endpoint of ['/oauth2/authorize', '/oauth2/token', '/logout']) expect(auth).toContain(`.amazoncognito.com${endpoint}`);
      expect(JSON.stringify((rendered.auth as { clientId: unknown }).clientId)).toContain('ConsoleConsoleClient');
      expect(Object.values(markers).map((m) => JSON.stringify(m))).toEqual(
        expect.arrayContaining([expect.stringContaining('ConsoleStaffDomain'), expect.stringContaining('ConsoleConsoleClient')]),
      );
    }
  });
});

describe('the console deployment (BucketDeployment) runs with exactly what it uses', () => {
  it('its provider is the one deploy-time function: not alarmed, no alias, its own role with no wildcard action — read its two assets, write console/, invalidate this distribution', () => {
    for (const s of [dev, prod]) {
      const providers = [...deployTimeProviders(s.json as Pick<StackTemplate, 'Resources'>)];
      expect(providers).toHaveLength(1);
      const provider = providers[0]!;
      expect(s.json.Resources[provider]?.Properties?.Runtime).toMatch(/^python3\./);
      expect(JSON.stringify(resourcesOf(s.json, 'AWS::CloudWatch::Alarm'))).not.toContain(provider);
      expect(s.json.Resources[`${provider}Live`]).toBeUndefined();
      const grants = grantsByFunction(s.json, { includeProviders: true })[provider]!;
      const bucket = consoleBucket(s);
      const logs = (s.json.Resources[provider]?.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(grants.map((g) => g.replace(/[0-9a-f]{64}\.zip/, '<asset>.zip'))).toEqual(
        [
          `cloudfront:CreateInvalidation → arn:AWS::Partition:cloudfront::AWS::AccountId:distribution/${distribution(s)[0]}`,
          `cloudfront:GetInvalidation → arn:AWS::Partition:cloudfront::AWS::AccountId:distribution/${distribution(s)[0]}`,
          `logs:CreateLogStream → ${logs}`,
          `logs:PutLogEvents → ${logs}`,
          `s3:DeleteObject → ${bucket}/console/*`,
          `s3:GetObject → arn:AWS::Partition:s3:::{"Fn::Sub":"cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}"}/<asset>.zip`,
          `s3:GetObject → arn:AWS::Partition:s3:::{"Fn::Sub":"cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}"}/<asset>.zip`,
          `s3:ListBucket → ${bucket} if StringLike s3:prefix=console/*`,
          `s3:PutObject → ${bucket}/console/*`,
        ].sort(),
      );
      // Two sources (the build and config.json), each read by its own key.
      expect(grantsByFunction(s.json, { includeProviders: true })[provider]!.filter((g) => g.startsWith('s3:GetObject'))).toHaveLength(2);
    }
  });

  it('the local cloud accepts the console’s hosting resources by name as served differently there, and does not start the provider', () => {
    const types = new Set(Object.values(dev.json.Resources).map((r) => r.Type));
    for (const type of [
      'AWS::CloudFront::Distribution',
      'AWS::CloudFront::Function',
      'AWS::CloudFront::ResponseHeadersPolicy',
      'AWS::CloudFront::OriginAccessControl',
      'AWS::Cognito::UserPoolDomain',
      'Custom::CDKBucketDeployment',
      'AWS::Lambda::LayerVersion',
    ]) {
      expect(types.has(type), type).toBe(true);
      expect(SERVED_DIFFERENTLY_LOCALLY[type], type).toBeDefined();
    }
  });
});
