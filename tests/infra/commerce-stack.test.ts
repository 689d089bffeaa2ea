/**
 * Template assertions for the CDK app (issue: foundation; SEC-2 encryption, OPS-2 dead letters,
 * least privilege): what an operator deploys with `cdk deploy`, checked without deploying.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedGrants } from './expected-grants/index.ts';
import { grantsByFunction } from './grants.ts';
import { resourcesOf, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
});

const functions = (s: Synthesized) => resourcesOf(s.json, 'AWS::Lambda::Function');

describe('functions (ServiceFunction house defaults)', () => {
  it('run nodejs22.x on arm64 with tracing, an explicit timeout and memory, and their capability\'s log group', () => {
    expect(functions(dev).length).toBeGreaterThan(5);
    for (const [id, p] of functions(dev)) {
      expect(p, id).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
      expect(typeof p.Timeout, id).toBe('number');
      expect(typeof p.MemorySize, id).toBe('number');
      const group = ((p.LoggingConfig as { LogGroup?: { Ref?: string } })?.LogGroup?.Ref) ?? '';
      expect(dev.json.Resources[group]?.Type, id).toBe('AWS::Logs::LogGroup');
    }
  });

  it('fit CloudFormation\'s 500-resources-per-stack limit with room to grow (parent and each nested stack under 400)', () => {
    for (const s of [dev, prod]) {
      expect(Object.keys(s.resourcesPerStack).length).toBeGreaterThan(1);
      for (const [file, count] of Object.entries(s.resourcesPerStack)) expect(count, file).toBeLessThan(400);
    }
  });

  it('send failed asynchronous invocations (every function a schedule invokes) to an on-failure destination', () => {
    const configs = resourcesOf(dev.json, 'AWS::Lambda::EventInvokeConfig');
    const covered = new Set(configs.map(([, p]) => (p.FunctionName as { Ref: string }).Ref));
    const scheduled = resourcesOf(dev.json, 'AWS::Events::Rule')
      .filter(([, p]) => p.ScheduleExpression)
      .flatMap(([, p]) => (p.Targets as Array<{ Arn: { 'Fn::GetAtt': string[] } }>).map((t) => t.Arn['Fn::GetAtt']?.[0]))
      .filter((id): id is string => Boolean(id) && dev.json.Resources[id as string]?.Type === 'AWS::Lambda::Function');
    expect(scheduled.length).toBeGreaterThan(0);
    for (const id of scheduled) expect(covered.has(id), id).toBe(true);
    for (const [, p] of configs) {
      expect(p).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AsyncInvocationFailures', 'Arn'] } } } });
    }
  });

  it('keep logs for a bounded time (dev a week, prod three months)', () => {
    for (const [, p] of resourcesOf(dev.json, 'AWS::Logs::LogGroup')) expect(p.RetentionInDays).toBe(7);
    for (const [, p] of resourcesOf(prod.json, 'AWS::Logs::LogGroup')) expect(p.RetentionInDays).toBe(90);
  });
});

describe('least privilege', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
  const statements = (s: Synthesized) => [
    ...resourcesOf(s.json, 'AWS::IAM::Policy').flatMap(([id, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement.map((st) => ({ id, ...st }))),
    ...resourcesOf(s.json, 'AWS::IAM::Role').flatMap(([id, p]) => ((p.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []).flatMap((doc) => doc.PolicyDocument.Statement.map((st) => ({ id, ...st })))),
  ];

  it('grants no wildcard action anywhere', () => {
    for (const s of [dev, prod]) {
      for (const st of statements(s)) {
        for (const action of [st.Action].flat()) expect(action, st.id).not.toContain('*');
      }
    }
  });

  it('uses Resource "*" only for X-Ray, which has no resource-level permissions', () => {
    for (const st of statements(dev)) {
      const resources = [st.Resource].flat();
      if (resources.includes('*')) expect([st.Action].flat().every((a) => a.startsWith('xray:')), `${st.id} ${JSON.stringify(st.Action)}`).toBe(true);
    }
  });

  it('gives every function its log group, X-Ray and its failure destination, and nothing it does not use', () => {
    const grants = grantsByFunction(dev.json);
    const logGroupOf = (fn: string) => (dev.json.Resources[fn]?.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const asyncInvoked = new Set(resourcesOf(dev.json, 'AWS::Lambda::EventInvokeConfig').map(([, p]) => (p.FunctionName as { Ref: string }).Ref));
    const common = (fn: string) => [
      `logs:CreateLogStream → ${logGroupOf(fn)}`,
      `logs:PutLogEvents → ${logGroupOf(fn)}`,
      ...(asyncInvoked.has(fn) ? ['sqs:GetQueueAttributes → AsyncInvocationFailures', 'sqs:GetQueueUrl → AsyncInvocationFailures', 'sqs:SendMessage → AsyncInvocationFailures'] : []),
      'xray:PutTelemetryRecords → *',
      'xray:PutTraceSegments → *',
    ];
    const specific = Object.fromEntries(
      Object.entries(grants).map(([fn, list]) => {
        for (const c of common(fn)) expect(list, fn).toContain(c);
        return [fn, list.filter((g) => !common(fn).includes(g))];
      }),
    );
    const expected = expectedGrants();
    const sorted = (o: Record<string, string[]>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...new Set(v)].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    expect(sorted(specific)).toEqual(sorted(expected));
  });
});

describe('secrets (deployed stages)', () => {
  it('prod reads provider and carrier secrets from Secrets Manager by id, never from the template', () => {
    const grants = grantsByFunction(prod.json);
    const webhook = prod.json.Resources.ReceiveCarrierWebhookFunction?.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(webhook.Environment.Variables.CARRIER_WEBHOOK_SECRETS_ID).toBe('commerce/prod/carriers');
    expect(webhook.Environment.Variables.CARRIER_WEBHOOK_SECRETS).toBeUndefined();
    expect((grants.ReceiveCarrierWebhookFunction ?? []).some((g) => g.startsWith('secretsmanager:GetSecretValue → ') && g.includes('commerce/prod/carriers-??????'))).toBe(true);
    const stripeUsers = Object.entries(prod.json.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && (r.Properties as { Environment?: { Variables?: Record<string, unknown> } })?.Environment?.Variables?.STRIPE_SECRET_ID === 'commerce/prod/stripe');
    expect(stripeUsers.length).toBeGreaterThan(0);
    for (const [id] of stripeUsers) expect((grants[id] ?? []).some((g) => g.includes('secretsmanager:GetSecretValue') && g.includes('commerce/prod/stripe-??????')), id).toBe(true);
    expect(JSON.stringify(prod.json)).not.toMatch(/sk_live|whsec_/);
  });

  it('prod reads the risk-signal key from Secrets Manager (PlaceOrderFunction only, that one secret); dev has neither the id nor the grant', () => {
    const variables = (s: Synthesized) => (s.json.Resources.PlaceOrderFunction?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(variables(prod).RISK_SIGNAL_HMAC_KEY_ID).toBe('commerce/prod/risk-signals');
    expect(variables(prod).RISK_SIGNAL_HMAC_KEY).toBeUndefined();
    const prodGrants = grantsByFunction(prod.json);
    const secretGrants = (prodGrants.PlaceOrderFunction ?? []).filter((g) => g.startsWith('secretsmanager:'));
    expect(secretGrants).toHaveLength(1);
    expect(secretGrants[0]).toMatch(/^secretsmanager:GetSecretValue → .*:secret:commerce\/prod\/risk-signals-\?{6}$/);
    for (const [fn, list] of Object.entries(prodGrants)) if (fn !== 'PlaceOrderFunction') expect(list.some((g) => g.includes('risk-signals')), fn).toBe(false);
    expect(variables(dev).RISK_SIGNAL_HMAC_KEY_ID).toBeUndefined();
    expect(variables(dev).RISK_SIGNAL_HMAC_KEY).toBeUndefined();
    expect((grantsByFunction(dev.json).PlaceOrderFunction ?? []).some((g) => g.startsWith('secretsmanager:'))).toBe(false);
  });

  it('dev uses the sandboxes and has no Secrets Manager grants', () => {
    for (const list of Object.values(grantsByFunction(dev.json))) expect(list.some((g) => g.startsWith('secretsmanager:'))).toBe(false);
  });
});

describe('data at rest', () => {
  it('tables are on-demand, encrypted, with point-in-time recovery', () => {
    for (const s of [dev, prod]) {
      const tables = resourcesOf(s.json, 'AWS::DynamoDB::Table');
      expect(tables.map(([id]) => id)).toEqual(expect.arrayContaining(['CatalogTable', 'IdempotencyTable', 'ComplianceTable', 'AuditTable']));
      for (const [id, p] of tables) {
        expect(p, id).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', SSESpecification: { SSEEnabled: true }, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
      }
    }
  });

  it('the idempotency table expires records by TTL', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true }, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
  });

  it('prod retains tables with deletion protection; dev can be torn down', () => {
    for (const [id, r] of Object.entries(prod.json.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')) {
      expect(r.DeletionPolicy, id).toBe('Retain');
      expect(r.Properties?.DeletionProtectionEnabled, id).toBe(true);
    }
    for (const [id, r] of Object.entries(dev.json.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')) {
      expect(r.DeletionPolicy, id).toBe('Delete');
      expect(r.Properties?.DeletionProtectionEnabled ?? false, id).toBe(false);
    }
  });

  it('the field-encryption key is customer-managed with rotation, retained in prod', () => {
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    prod.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });
});

describe('asynchronous paths (OPS-2)', () => {
  const queues = (s: Synthesized) => resourcesOf(s.json, 'AWS::SQS::Queue');

  it('every queue is encrypted and refuses plain-HTTP access', () => {
    for (const [id, p] of queues(dev)) {
      expect(p.SqsManagedSseEnabled === true || p.KmsMasterKeyId !== undefined, id).toBe(true);
      dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: Match.arrayWith([{ Ref: id }]),
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('every queue has a dead-letter queue or is one', () => {
    const dlqs = new Set(queues(dev).flatMap(([, p]) => [(p.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': string[] } })?.deadLetterTargetArn?.['Fn::GetAtt']?.[0]].filter(Boolean)));
    for (const [id, p] of queues(dev)) {
      if (p.RedrivePolicy) continue;
      const isDestination = JSON.stringify(dev.json).includes(`"Fn::GetAtt":["${id}","Arn"]`);
      expect(dlqs.has(id) || (isDestination && /Failures$|Dlq$/.test(id)), id).toBe(true);
    }
  });

  it('every EventBridge target retries and has a dead-letter queue', () => {
    for (const [id, p] of resourcesOf(dev.json, 'AWS::Events::Rule')) {
      for (const target of p.Targets as Array<Record<string, unknown>>) {
        expect(target.DeadLetterConfig, id).toEqual({ Arn: { 'Fn::GetAtt': ['EventDeliveryFailures', 'Arn'] } });
        expect(target.RetryPolicy, id).toBeDefined();
      }
    }
  });

  it('event source mappings report partial batch failures', () => {
    for (const [id, p] of resourcesOf(dev.json, 'AWS::Lambda::EventSourceMapping')) expect(p.FunctionResponseTypes, id).toEqual(['ReportBatchItemFailures']);
  });

  it('the event bus is archived', () => {
    dev.template.hasResourceProperties('AWS::Events::Archive', { SourceArn: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, RetentionDays: 7 });
    prod.template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 365 });
  });
});

describe('API and sign-in (SEC-1)', () => {
  it('has a Cognito authorizer over the customer and staff pools', () => {
    const [[, authorizer]] = resourcesOf(dev.json, 'AWS::ApiGateway::Authorizer') as [[string, Record<string, unknown>]];
    expect(authorizer.Type).toBe('COGNITO_USER_POOLS');
    expect(authorizer.ProviderARNs).toHaveLength(2);
  });

  it('requires MFA for staff, offers it to customers, and has a group per API role', () => {
    const pools = resourcesOf(dev.json, 'AWS::Cognito::UserPool');
    expect(pools.map(([, p]) => p.MfaConfiguration).sort()).toEqual(['ON', 'OPTIONAL']);
    const groups = resourcesOf(dev.json, 'AWS::Cognito::UserPoolGroup').map(([, p]) => p.GroupName).sort();
    expect(groups).toEqual(['admin', 'analyst', 'content-reviewer', 'cs-agent', 'customer', 'marketer', 'ops', 'risk-analyst']);
  });

  it('logs access without personal data, throttles and traces the stage', () => {
    const [[, stage]] = resourcesOf(dev.json, 'AWS::ApiGateway::Stage') as [[string, Record<string, unknown>]];
    expect(stage.TracingEnabled).toBe(true);
    const format = (stage.AccessLogSetting as { Format: string }).Format;
    expect(format).toContain('$context.requestId');
    expect(format).not.toMatch(/sourceIp|\$context\.identity|authorizer\.claims/);
    expect(stage.MethodSettings).toEqual(expect.arrayContaining([expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })]));
  });

  it('answers gateway errors as application/problem+json', () => {
    for (const [id, p] of resourcesOf(dev.json, 'AWS::ApiGateway::GatewayResponse')) {
      expect((p.ResponseParameters as Record<string, string>)['gatewayresponse.header.Content-Type'], id).toBe("'application/problem+json'");
    }
  });

  it('public routes are exactly the ones API.md makes public', () => {
    const publicMethods = resourcesOf(dev.json, 'AWS::ApiGateway::Method')
      .filter(([, p]) => p.AuthorizationType === 'NONE' && p.HttpMethod !== 'OPTIONS')
      .map(([, p]) => p.OperationName)
      .sort();
    expect(publicMethods).toEqual(['getHealth', 'getOpenApi', 'getProduct', 'listProducts', 'receiveCarrierWebhook', 'receivePaymentWebhook'].sort());
  });
});

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it('synthesizes dev and prod with no unacknowledged finding (a finding would fail synthesis)', () => {
    expect(dev.json.Resources).toBeDefined();
    expect(prod.json.Resources).toBeDefined();
  });

  it('every acknowledgement names one rule and gives a specific reason', () => {
    const acknowledgements = prod.app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, ...(m.data as Record<string, string>) })));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, ...rules } of acknowledgements) {
      for (const [id, reason] of Object.entries(rules)) {
        expect(id, path).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$|::/);
        expect(String(reason).length, `${path} ${id}`).toBeGreaterThan(40);
      }
    }
  });
});
