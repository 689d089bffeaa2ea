/**
 * Template assertions for the CDK app (issue: foundation; SEC-2 encryption, OPS-2 dead letters,
 * least privilege): what an operator deploys with `cdk deploy`, checked without deploying.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedGrants } from './expected-grants/index.ts';
import { apiRoutes } from '../../functions/platform/api-routes.ts';
import { postSandboxCarrierEventRoute, receiveKuaidi100CallbackRoute } from '../../functions/fulfillment/routes.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../functions/fulfillment/settings.ts';
import { DEV_SANDBOX_WEBHOOK_SECRET } from '../../functions/payments/settings.ts';
import { STRIPE_WORST_CASE_MS } from '../../functions/payments/provider/stripe/stripe-client.ts';
import { LOCAL_CLOUD_SWITCH } from '../../shared/config.ts';
import fs from 'node:fs';
import path from 'node:path';
import { findEventDefinition } from '../../events/index.ts';
import { PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import { PROJECT_ROOT, ServiceFunction } from '../../infra/constructs/service-function.ts';
import { matchesEventPattern, validateEventPattern } from '../../infra/local/event-pattern.ts';
import { consumerEventPattern } from '../../infra/constructs/messaging.ts';
import { ANALYTICS_EVENT_FILTERS, ANALYTICS_EVENTS } from '../../functions/analytics/consumed-events.ts';
import { EVENTS_PER_COMMIT } from '../../functions/analytics/apply-event.ts';
import { ANALYTICS_BATCH_SIZE } from '../../infra/capabilities/analytics.ts';
import { grantsByFunction, policyStatements, unconditionedGrants } from './grants.ts';
import { functionsOf, resourcesOf, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth('dev');
  prod = synth('prod');
});

const functions = (s: Synthesized) => functionsOf(s.json);

describe('functions (ServiceFunction house defaults)', () => {
  it("run nodejs22.x on arm64 with tracing, an explicit timeout and memory, and their capability's log group", () => {
    expect(functions(dev).length).toBeGreaterThan(5);
    for (const [id, p] of functions(dev)) {
      expect(p, id).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Handler: 'index.handler' });
      expect(typeof p.Timeout, id).toBe('number');
      expect(typeof p.MemorySize, id).toBe('number');
      // no source maps loaded at run time: 40–90 ms of every cold start
      expect((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.NODE_OPTIONS, id).toBeUndefined();
      const group = (p.LoggingConfig as { LogGroup?: { Ref?: string } })?.LogGroup?.Ref ?? '';
      expect(dev.json.Resources[group]?.Type, id).toBe('AWS::Logs::LogGroup');
    }
  });

  // The API stack (one resource, method, CORS preflight and permission per route) is the one that
  // grows with every route; past 450 it is to be split into two nested stacks of routes.
  it("fit CloudFormation's 500-resources-per-stack limit with room to grow (parent and each nested stack under 450)", () => {
    for (const s of [dev, prod]) {
      expect(Object.keys(s.resourcesPerStack).length).toBeGreaterThan(1);
      for (const [file, count] of Object.entries(s.resourcesPerStack)) expect(count, file).toBeLessThan(450);
    }
  });

  it('send failed asynchronous invocations (every function a schedule invokes) to an on-failure destination', () => {
    const configs = resourcesOf(dev.json, 'AWS::Lambda::EventInvokeConfig');
    const covered = new Set(configs.map(([, p]) => (p.FunctionName as { Ref: string }).Ref));
    // Schedules invoke the function's `live` alias (OPS-1); the alias names its function.
    const functionOf = (id: string | undefined) => {
      const resource = id ? dev.json.Resources[id] : undefined;
      return resource?.Type === 'AWS::Lambda::Alias' ? (resource.Properties?.FunctionName as { Ref: string }).Ref : resource?.Type === 'AWS::Lambda::Function' ? id : undefined;
    };
    const scheduled = resourcesOf(dev.json, 'AWS::Events::Rule')
      .filter(([, p]) => p.ScheduleExpression)
      .flatMap(([, p]) => (p.Targets as Array<{ Arn: { 'Fn::GetAtt'?: string[]; Ref?: string } }>).map((t) => functionOf(t.Arn['Fn::GetAtt']?.[0] ?? t.Arn.Ref)))
      .filter((id): id is string => Boolean(id));
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

/** Detail values that satisfy an EventBridge detail pattern: each field's first value, a `$or`'s first branch, a number for an operator such as `exists`. */
function satisfying(pattern: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') Object.assign(out, satisfying((value as Array<Record<string, unknown>>)[0] ?? {}));
    else if (Array.isArray(value)) out[key] = typeof value[0] === 'object' && value[0] !== null ? 1 : value[0];
    else out[key] = satisfying(value as Record<string, unknown>);
  }
  return out;
}

describe('least privilege', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
  const statements = (s: Synthesized) => [
    ...resourcesOf(s.json, 'AWS::IAM::Policy').flatMap(([id, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement.map((st) => ({ id, ...st }))),
    ...resourcesOf(s.json, 'AWS::IAM::Role').flatMap(([id, p]) =>
      ((p.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []).flatMap((doc) => doc.PolicyDocument.Statement.map((st) => ({ id, ...st }))),
    ),
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
      if (resources.includes('*'))
        expect(
          [st.Action].flat().every((a) => a.startsWith('xray:')),
          `${st.id} ${JSON.stringify(st.Action)}`,
        ).toBe(true);
    }
  });

  it('gives every function its log group, X-Ray and its failure destination, and nothing it does not use', () => {
    const grants = grantsByFunction(dev.json);
    const logGroupOf = (fn: string) => (dev.json.Resources[fn]?.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const asyncInvoked = new Set(resourcesOf(dev.json, 'AWS::Lambda::EventInvokeConfig').map(([, p]) => (p.FunctionName as { Ref: string }).Ref));
    const common = (fn: string) => [
      `logs:CreateLogStream → ${logGroupOf(fn)}`,
      `logs:PutLogEvents → ${logGroupOf(fn)}`,
      ...(asyncInvoked.has(fn)
        ? ['sqs:GetQueueAttributes → AsyncInvocationFailures', 'sqs:GetQueueUrl → AsyncInvocationFailures', 'sqs:SendMessage → AsyncInvocationFailures']
        : []),
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
    const sorted = (o: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(o)
          .map(([k, v]) => [k, [...new Set(v)].sort()])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
      );
    expect(sorted(specific)).toEqual(sorted(expected));
  });
});

describe('least privilege: who may put which events, who may open which data keys (RISK-7, SEC-2)', () => {
  it("RISK-7: every PutEvents grant names the sources it may put (events:source), every field-key grant its data keys' encryption context — dev and prod", () => {
    expect(unconditionedGrants(dev.json)).toEqual([]);
    expect(unconditionedGrants(prod.json)).toEqual([]);
    // There are such grants to check.
    const grants = Object.values(grantsByFunction(dev.json)).flat();
    expect(grants.filter((g) => g.startsWith('events:PutEvents')).length).toBeGreaterThan(5);
    expect(grants.filter((g) => g.startsWith('kms:')).length).toBeGreaterThanOrEqual(3);
  });

  it('RISK-7: the check fails for a PutEvents grant without its source condition or a field-key grant without its context condition, wherever it is', () => {
    const doctored = structuredClone(dev.json);
    type Statement = { Action: string | string[]; Condition?: unknown };
    const inline = (id: string) => (doctored.Resources[id]?.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>)[0]!.PolicyDocument.Statement;
    const putEvents = inline('PutProductFunctionRole').find((st) => [st.Action].flat().includes('events:PutEvents'))!;
    delete putEvents.Condition;
    const decrypt = inline('GetOrderFunctionRole').find((st) => [st.Action].flat().includes('kms:Decrypt'))!;
    decrypt.Condition = { StringEquals: { 'kms:EncryptionContext:purpose': 'field-encryption' } };
    // A grant added outside ServiceFunction.allow (a standalone policy) is checked too.
    doctored.Resources.ExtraPolicy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'ListOrdersFunctionRole' }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, Condition: { StringLike: { 'events:source': 'commerce.*' } } },
          ],
        },
      },
    };
    expect(unconditionedGrants(doctored)).toEqual([
      'PutProductFunctionRole: events:PutEvents → EventBus without an events:source condition',
      'GetOrderFunctionRole: kms:Decrypt → FieldEncryptionKey without kms:EncryptionContext:purpose/entity conditions',
      'ExtraPolicy: events:PutEvents → EventBus without an events:source condition',
    ]);
  });

  it('RISK-7, SEC-2: each function is told exactly what its grants allow (EVENT_SOURCES, FIELD_ENCRYPTION_ENTITIES), so the kernel refuses what IAM would, also in the local cloud', () => {
    for (const s of [dev, prod]) {
      const checked = { sources: 0, entities: 0 };
      for (const [id, p] of functions(s)) {
        const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, string | undefined>;
        const role = ((p.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0] ?? '';
        const own = policyStatements(s.json)
          .filter((x) => x.where === role)
          .map((x) => x.statement);
        // The union over the function's statements of each kind.
        const named = (statements: typeof own, key: string) =>
          statements.length > 0 ? [...new Set(statements.flatMap((st) => [st.Condition?.StringEquals?.[key]].flat()))].sort() : undefined;
        const putEvents = own.filter((st) => [st.Action].flat().includes('events:PutEvents'));
        const fieldKey = own.filter((st) => [st.Action].flat().some((a) => a === 'kms:GenerateDataKey' || a === 'kms:Decrypt'));
        expect(variables.EVENT_SOURCES?.split(','), `${id} EVENT_SOURCES`).toEqual(named(putEvents, 'events:source'));
        expect(variables.FIELD_ENCRYPTION_ENTITIES?.split(','), `${id} FIELD_ENCRYPTION_ENTITIES`).toEqual(named(fieldKey, 'kms:EncryptionContext:entity'));
        if (putEvents.length > 0) checked.sources++;
        if (fieldKey.length > 0) checked.entities++;
      }
      expect(checked.sources).toBeGreaterThan(5);
      expect(checked.entities).toBeGreaterThan(1);
    }
  });

  it("SEC-2: every entity kind a capability's code encrypts or decrypts under is granted to some function of that capability", () => {
    // `entity: …` in a capability's sources, resolved to the kind (constants the code uses are listed here).
    const CONSTANTS: Record<string, string> = { ORDER_ENTITY, 'PAYMENT_TOKEN_SEAL.entity': PAYMENT_TOKEN_SEAL.entity };
    const granted = new Map<string, Set<string>>();
    for (const [id, entry] of ServiceFunction.entries) {
      const capability = entry.split('/')[1] as string;
      const kinds = ((dev.json.Resources[id]?.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.FIELD_ENCRYPTION_ENTITIES ?? '')
        .split(',')
        .filter(Boolean);
      for (const kind of kinds) granted.set(capability, (granted.get(capability) ?? new Set()).add(kind));
    }
    const used = new Map<string, Set<string>>();
    const walk = (dir: string, capability: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full, capability);
        else if (entry.name.endsWith('.ts')) {
          for (const m of fs.readFileSync(full, 'utf8').matchAll(/\bentity:\s*('[^']+'|[A-Za-z_][\w.]*)/g)) {
            const token = m[1] as string;
            const kind = token.startsWith("'") ? token.slice(1, -1) : CONSTANTS[token];
            expect(kind, `${full}: entity ${token} — add the constant to this test`).toBeDefined();
            used.set(capability, (used.get(capability) ?? new Set()).add(kind as string));
          }
        }
      }
    };
    for (const capability of fs.readdirSync(path.join(PROJECT_ROOT, 'functions'))) walk(path.join(PROJECT_ROOT, 'functions', capability), capability);
    expect(used.size).toBeGreaterThan(0);
    for (const [capability, kinds] of used)
      for (const kind of kinds) expect(granted.get(capability)?.has(kind), `${capability} uses ${kind} data keys; no function of it is granted them`).toBe(true);
  });

  it('RISK-7: every consumer rule on the bus matches each event type on the source that owns it, so an event put under another source is not delivered', () => {
    const rules = resourcesOf(dev.json, 'AWS::Events::Rule').filter(([, p]) => p.EventPattern !== undefined);
    expect(rules.length).toBeGreaterThan(10);
    for (const [id, p] of rules) {
      const pattern = p.EventPattern as Record<string, unknown>;
      validateEventPattern(pattern); // as EventBridge (and the local cloud) would at PutRule
      const branches = (pattern.$or as Array<Record<string, string[]>> | undefined) ?? [pattern as Record<string, string[]>];
      for (const branch of branches) {
        expect(branch.source, id).toHaveLength(1);
        for (const name of branch['detail-type'] ?? []) expect(findEventDefinition(name)?.source, `${id} ${name}`).toBe(branch.source?.[0]);
      }
      // Each event type it consumes reaches it from its owner, and not from any other source.
      for (const branch of branches) {
        for (const name of branch['detail-type'] ?? []) {
          const owner = findEventDefinition(name)!;
          // The event's example, with the rule's detail filter (e.g. `to: ['APPROVED']`, or a branch's own) satisfied.
          const filter = satisfying(((branch as Record<string, unknown>).detail ?? pattern.detail ?? {}) as Record<string, unknown>);
          const detail = { ...(owner.example as object), version: owner.version, ...filter };
          const event = (source: string) => ({
            version: '0',
            id: '1',
            account: '000000000000',
            region: 'us-east-1',
            time: '2026-01-01T00:00:00Z',
            resources: [],
            'detail-type': name,
            source,
            detail,
          });
          expect(matchesEventPattern(pattern, event(owner.source)), `${id}: ${name} from ${owner.source}`).toBe(true);
          for (const forger of ['commerce.catalog', 'commerce.checkout', 'commerce.fraud', 'commerce.payments', 'commerce.fulfillment'].filter((s) => s !== owner.source)) {
            expect(matchesEventPattern(pattern, event(forger)), `${id}: ${name} forged by ${forger}`).toBe(false);
          }
        }
      }
    }
  });
});

describe('secrets (deployed stages)', () => {
  it('prod reads provider and carrier secrets from Secrets Manager by id, never from the template', () => {
    const grants = grantsByFunction(prod.json);
    const webhook = prod.json.Resources.ReceiveCarrierWebhookFunction?.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(webhook.Environment.Variables.CARRIER_WEBHOOK_SECRETS_ID).toBe('commerce/prod/carriers');
    expect(webhook.Environment.Variables.CARRIER_WEBHOOK_SECRETS).toBeUndefined();
    expect((grants.ReceiveCarrierWebhookFunction ?? []).some((g) => g.startsWith('secretsmanager:GetSecretValue → ') && g.includes('commerce/prod/carriers-??????'))).toBe(true);
    const stripeUsers = Object.entries(prod.json.Resources).filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties as { Environment?: { Variables?: Record<string, unknown> } })?.Environment?.Variables?.STRIPE_SECRET_ID === 'commerce/prod/stripe',
    );
    expect(stripeUsers.length).toBeGreaterThan(0);
    for (const [id] of stripeUsers)
      expect(
        (grants[id] ?? []).some((g) => g.includes('secretsmanager:GetSecretValue') && g.includes('commerce/prod/stripe-??????')),
        id,
      ).toBe(true);
    expect(JSON.stringify(prod.json)).not.toMatch(/sk_live|whsec_/);
  });

  it('every deployed stage reads the risk-signal key from Secrets Manager (PlaceOrderFunction and CorrectShippingAddressFunction only, that one secret) — dev too, it is on the internet', () => {
    const variables = (s: Synthesized) => (s.json.Resources.PlaceOrderFunction?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(variables(prod).RISK_SIGNAL_HMAC_KEY_ID).toBe('commerce/prod/risk-signals');
    expect(variables(prod).RISK_SIGNAL_HMAC_KEY).toBeUndefined();
    const prodGrants = grantsByFunction(prod.json);
    const secretGrants = (prodGrants.PlaceOrderFunction ?? []).filter((g) => g.startsWith('secretsmanager:'));
    expect(secretGrants).toHaveLength(1);
    expect(secretGrants[0]).toMatch(/^secretsmanager:GetSecretValue → .*:secret:commerce\/prod\/risk-signals-\?{6}$/);
    // ORD-6: a corrected address is hashed under the same key for fraud's re-assessment.
    expect((prodGrants.CorrectShippingAddressFunction ?? []).filter((g) => g.startsWith('secretsmanager:'))).toEqual(secretGrants);
    const keyReaders = ['PlaceOrderFunction', 'CorrectShippingAddressFunction'];
    for (const [fn, list] of Object.entries(prodGrants))
      if (!keyReaders.includes(fn))
        expect(
          list.some((g) => g.includes('risk-signals')),
          fn,
        ).toBe(false);
    expect(variables(dev).RISK_SIGNAL_HMAC_KEY_ID).toBe('commerce/dev/risk-signals');
    expect(variables(dev).RISK_SIGNAL_HMAC_KEY).toBeUndefined();
    expect((grantsByFunction(dev.json).PlaceOrderFunction ?? []).filter((g) => g.startsWith('secretsmanager:'))).toEqual([
      expect.stringMatching(/:secret:commerce\/dev\/risk-signals-\?{6}$/),
    ]);
  });

  // Webhooks and provider data (security hardening): a deployed dev stage is on the internet too.
  it('dev reads its webhook signing secrets from Secrets Manager: carriers commerce/dev/carriers, the sandbox payment provider commerce/dev/stripe — only the functions that sign or verify them (PAY-2, FUL-3, SEC-2)', () => {
    const grants = grantsByFunction(dev.json);
    const variables = (id: string) =>
      ((dev.json.Resources[id]?.Properties as { Environment?: { Variables?: Record<string, unknown> } })?.Environment?.Variables ?? {}) as Record<string, unknown>;
    const readers = {
      ReceiveCarrierWebhookFunction: 'carriers',
      DeliverSandboxCarrierEventsFunction: 'carriers',
      ReceivePaymentWebhookFunction: 'stripe',
      RunPaymentSandboxFunction: 'stripe',
    } as const;
    for (const [fn, secret] of Object.entries(readers)) {
      // (PlaceOrderFunction's risk-signal key: the test above)
      expect(variables(fn)[secret === 'carriers' ? 'CARRIER_WEBHOOK_SECRETS_ID' : 'SANDBOX_WEBHOOK_SECRET_ID'], fn).toBe(`commerce/dev/${secret}`);
      const secretGrants = (grants[fn] ?? []).filter((g) => g.startsWith('secretsmanager:'));
      expect(secretGrants, fn).toHaveLength(1);
      expect(secretGrants[0], fn).toMatch(new RegExp(`^secretsmanager:GetSecretValue → .*:secret:commerce/dev/${secret}-\\?{6}$`));
    }
    // Nobody else reads a secret in dev, and no dev function reads another stage's.
    const withSecrets = Object.entries(grants)
      .filter(([, list]) => list.some((g) => g.startsWith('secretsmanager:')))
      .map(([fn]) => fn);
    expect(withSecrets.sort()).toEqual([...Object.keys(readers), 'PlaceOrderFunction', 'CorrectShippingAddressFunction'].sort());
  });

  it('no function of the dev or prod template gets a built-in sandbox secret or the local-cloud switch (those exist only in the local cloud and tests)', () => {
    const LOCAL_ONLY = [LOCAL_CLOUD_SWITCH, 'SANDBOX_WEBHOOK_SECRET', 'CARRIER_WEBHOOK_SECRETS', 'RISK_SIGNAL_HMAC_KEY', 'AWS_LAMBDA_RUNTIME_API', 'AWS_EXECUTION_ENV'];
    for (const s of [dev, prod]) {
      const fns = functions(s);
      expect(fns.length).toBeGreaterThan(5);
      for (const [id, p] of fns) {
        const env = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
        for (const name of LOCAL_ONLY) expect(env[name], `${id} ${name}`).toBeUndefined();
        expect(typeof env.STAGE === 'string' && env.STAGE.length > 0, `${id} STAGE`).toBe(true);
      }
      const template = JSON.stringify(s.json);
      for (const secret of [SANDBOX_CARRIER_WEBHOOK_SECRET, DEV_SANDBOX_WEBHOOK_SECRET]) expect(template).not.toContain(secret);
    }
  });
});

describe('table grants (code health)', () => {
  it('every function granted a table is told its name: the grant sets the variable (OrdersTable → ORDERS_TABLE_NAME)', () => {
    const grants = grantsByFunction(dev.json);
    const tableIds = new Set(resourcesOf(dev.json, 'AWS::DynamoDB::Table').map(([id]) => id));
    const missing: string[] = [];
    for (const [fn, list] of Object.entries(grants)) {
      const variables = (dev.json.Resources[fn]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const grant of list) {
        const table = /^dynamodb:\w+ → (\w+?)(?:\/index\/.*)?(?: if .*)?$/.exec(grant)?.[1];
        if (!table || !tableIds.has(table)) continue;
        const variable = `${table
          .replace(/Table$/, '')
          .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
          .toUpperCase()}_TABLE_NAME`;
        if (!(variable in variables)) missing.push(`${fn}: ${variable}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

describe('payment methods (PAY-1)', () => {
  it('checkout and GET /payment-methods know the stage’s provider: prod offers Stripe’s methods, dev the sandbox’s', () => {
    const providerOf = (json: typeof dev.json, fn: string) => (json.Resources[fn]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.PAYMENT_PROVIDER;
    for (const fn of ['PlaceOrderFunction', 'ListPaymentMethodsFunction']) {
      expect(providerOf(prod.json, fn), fn).toBe('stripe');
      expect(providerOf(dev.json, fn), fn).toBe('sandbox');
    }
  });

  it('every function that calls Stripe outlives one slowest call (3 attempts of 5 s and the waits between): a slow Stripe is a retryable error, not a timeout mid-retry', () => {
    expect(STRIPE_WORST_CASE_MS).toBe(16_500);
    const withStripe = functions(prod).filter(([, p]) => (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.STRIPE_SECRET_ID !== undefined);
    const tooShort = withStripe.filter(([, p]) => (p.Timeout as number) * 1000 <= STRIPE_WORST_CASE_MS + 2_000).map(([id]) => id);
    // the webhook too: applying a notification to a released payment voids or refunds it at Stripe
    expect(withStripe.map(([id]) => id)).toContain('ReceivePaymentWebhookFunction');
    expect(withStripe.length).toBeGreaterThanOrEqual(8);
    expect(tooShort).toEqual([]);
  });
});

describe('the carrier per stage (FUL-3)', () => {
  const envOf = (json: typeof dev.json, fn: string) => (json.Resources[fn]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;

  it('prod books with Kuaidi100, never the sandbox; dev books with the sandbox', () => {
    for (const fn of ['AllocateOrderFunction', 'CancelFulfillmentFunction']) {
      expect(envOf(prod.json, fn), fn).toMatchObject({ CARRIER_PROVIDER: 'kuaidi100', KUAIDI100_ACCOUNT_SECRET_ID: 'commerce/prod/kuaidi100' });
      expect(envOf(dev.json, fn).CARRIER_PROVIDER, fn).toBe('sandbox');
      expect(envOf(dev.json, fn).KUAIDI100_ACCOUNT_SECRET_ID, fn).toBeUndefined();
    }
    // The sandbox carrier's feed and its ops route exist only in dev; Kuaidi100's callbacks only where it books.
    const ids = (s: Synthesized) => functions(s).map(([id]) => id);
    expect(ids(prod)).not.toContain('DeliverSandboxCarrierEventsFunction');
    expect(ids(prod)).not.toContain('PostSandboxCarrierEventFunction');
    expect(ids(prod)).toContain('ReceiveKuaidi100CallbackFunction');
    expect(ids(dev)).not.toContain('ReceiveKuaidi100CallbackFunction');
    const operations = (s: Synthesized) => resourcesOf(s.json, 'AWS::ApiGateway::Method').map(([, p]) => p.OperationName);
    expect(operations(prod)).toContain('receiveKuaidi100Callback');
    expect(operations(dev)).not.toContain('receiveKuaidi100Callback');
  });

  it('prod allocation reads the recipient through checkout’s contract only: GetItem on the orders table, decrypt for the order entity, the Kuaidi100 account', () => {
    const grants = grantsByFunction(prod.json);
    const allocate = grants.AllocateOrderFunction as string[];
    expect(allocate).toContain('dynamodb:GetItem → OrdersTable');
    expect(allocate.filter((g) => g.includes('OrdersTable'))).toEqual(['dynamodb:GetItem → OrdersTable']);
    expect(allocate.filter((g) => g.startsWith('kms:'))).toEqual([expect.stringMatching(/^kms:Decrypt → FieldEncryptionKey.*entity.*order/)]);
    expect(allocate.some((g) => g.startsWith('secretsmanager:GetSecretValue') && g.includes('commerce/prod/kuaidi100'))).toBe(true);
    expect(envOf(prod.json, 'AllocateOrderFunction')).toMatchObject({ ORDERS_TABLE_NAME: expect.anything() });
    // The cancellation and the callbacks read the account; neither reads orders or decrypts.
    for (const fn of ['CancelFulfillmentFunction', 'ReceiveKuaidi100CallbackFunction']) {
      const list = grants[fn] as string[];
      expect(
        list.some((g) => g.startsWith('secretsmanager:GetSecretValue') && g.includes('commerce/prod/kuaidi100')),
        fn,
      ).toBe(true);
      expect(
        list.filter((g) => g.startsWith('kms:') || g.includes('OrdersTable')),
        fn,
      ).toEqual([]);
    }
    // Dev's allocation never reads orders nor decrypts.
    expect((grantsByFunction(dev.json).AllocateOrderFunction as string[]).filter((g) => g.startsWith('kms:') || g.includes('OrdersTable'))).toEqual([]);
  });
});

describe('data at rest', () => {
  it('tables are on-demand, encrypted, with point-in-time recovery', () => {
    for (const s of [dev, prod]) {
      const tables = resourcesOf(s.json, 'AWS::DynamoDB::Table');
      expect(tables.map(([id]) => id)).toEqual(expect.arrayContaining(['CatalogTable', 'IdempotencyTable', 'ComplianceTable', 'AuditTable']));
      for (const [id, p] of tables.filter(([id]) => id !== 'CustomerKeyTable')) {
        expect(p, id).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
      }
    }
  });

  it('SEC-3: the customer keyring is never restorable — no point-in-time recovery, in no backup plan — and guarded by deletion protection in prod', () => {
    for (const s of [dev, prod]) {
      const [, keyring] = resourcesOf(s.json, 'AWS::DynamoDB::Table').find(([id]) => id === 'CustomerKeyTable') ?? [];
      expect(keyring).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
      });
      for (const [, selection] of resourcesOf(s.json, 'AWS::Backup::BackupSelection')) expect(JSON.stringify(selection)).not.toContain('CustomerKeyTable');
    }
    expect(resourcesOf(prod.json, 'AWS::Backup::BackupSelection').length).toBeGreaterThan(0);
    expect(prod.json.Resources.CustomerKeyTable?.DeletionPolicy).toBe('Retain');
    expect(prod.json.Resources.CustomerKeyTable?.Properties?.DeletionProtectionEnabled).toBe(true);
  });

  it('the idempotency table expires records by TTL', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
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
    const dlqs = new Set(
      queues(dev).flatMap(([, p]) => [(p.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': string[] } })?.deadLetterTargetArn?.['Fn::GetAtt']?.[0]].filter(Boolean)),
    );
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

  it('consumers off the order path gather for a second (one invocation and one delete for several messages); none on the path waits (issue 15)', () => {
    const windows = Object.fromEntries(
      resourcesOf(dev.json, 'AWS::Lambda::EventSourceMapping').map(([, p]) => [
        (p.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
        p.MaximumBatchingWindowInSeconds,
      ]),
    );
    for (const queue of ['AnalyticsEventsQueue', 'TrackStockLevelsQueue', 'SendNotificationQueue', 'NotifyOrderRejectedQueue']) expect(windows[queue], queue).toBe(1);
    for (const queue of ['AssessOrderQueue', 'RecordOrderPaymentQueue', 'AuthorizePaymentQueue', 'ApplyOrderEventsQueue', 'AllocateOrderQueue']) {
      expect(queue in windows, queue).toBe(true);
      expect(windows[queue] ?? 0, queue).toBe(0);
    }
    // Batches of at most ten records, but analytics, which commits a batch's events together (one write of a day's aggregates per 20 events).
    for (const [id, p] of resourcesOf(dev.json, 'AWS::Lambda::EventSourceMapping')) {
      const queue = (p.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      if (queue === 'AnalyticsEventsQueue') expect(p.BatchSize, id).toBe(ANALYTICS_BATCH_SIZE);
      else expect(p.BatchSize ?? 10, id).toBeLessThanOrEqual(10);
    }
    expect(ANALYTICS_BATCH_SIZE).toBeGreaterThan(EVENTS_PER_COMMIT);
  });

  it("analytics' rule carries its detail filters: the risk decisions and ticket changes analytics ignores are never delivered (issue 15)", () => {
    const [, rule] = resourcesOf(dev.json, 'AWS::Events::Rule').find(([id]) => id === 'AnalyticsEventsRule') ?? [];
    expect(rule?.EventPattern).toEqual(consumerEventPattern(ANALYTICS_EVENTS, undefined, ANALYTICS_EVENT_FILTERS));
    expect(JSON.stringify(rule?.EventPattern)).toContain('"decidedBy":["analyst"]');
  });

  it('the event bus is archived', () => {
    dev.template.hasResourceProperties('AWS::Events::Archive', { SourceArn: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, RetentionDays: 7 });
    prod.template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 365 });
  });
});

describe('API and sign-in (SEC-1)', () => {
  const poolOf = (arn: unknown) => JSON.stringify(arn).match(/(CustomerPool|StaffPool)/)?.[1];
  const authorizerPools = (s: Synthesized) =>
    new Map(resourcesOf(s.json, 'AWS::ApiGateway::Authorizer').map(([id, p]) => [id, (p.ProviderARNs as unknown[]).map(poolOf).sort()] as const));

  it('has a Cognito authorizer over both pools and a staff-only one over the staff pool', () => {
    const authorizers = resourcesOf(dev.json, 'AWS::ApiGateway::Authorizer');
    expect(authorizers.map(([, p]) => p.Type)).toEqual(['COGNITO_USER_POOLS', 'COGNITO_USER_POOLS']);
    expect([...authorizerPools(dev).values()].map((pools) => pools.join('+')).sort()).toEqual(['CustomerPool+StaffPool', 'StaffPool']);
  });

  it('every /admin/* method (and every other staff-only route) sits behind the staff-only authorizer (SEC-1)', () => {
    const pools = authorizerPools(dev);
    // The sandbox carrier's route exists on dev only and is not part of the documented API.
    const routes = new Map([...apiRoutes, postSandboxCarrierEventRoute, receiveKuaidi100CallbackRoute].map((r) => [r.operation, r as RouteContract]));
    const methods = resourcesOf(dev.json, 'AWS::ApiGateway::Method').filter(([, p]) => p.HttpMethod !== 'OPTIONS');
    let admin = 0;
    for (const [id, p] of methods) {
      const route = routes.get(String(p.OperationName));
      expect(route, id).toBeDefined();
      if (!route || route.auth === 'public') continue;
      const authorizer = JSON.stringify(p.AuthorizerId).match(/"(?:Ref|Fn::GetAtt)":\[?"([^"]+)"/)?.[1] ?? '';
      const accepted = [...pools.entries()].find(([logicalId]) => authorizer.startsWith(logicalId) || logicalId.startsWith(authorizer))?.[1];
      const staffOnly = route.auth.roles.length > 0 && !route.auth.roles.includes('customer');
      expect(accepted, `${route.operation} (${authorizer})`).toEqual(staffOnly ? ['StaffPool'] : ['CustomerPool', 'StaffPool']);
      if (route.pathTemplate.startsWith('/admin/')) admin += 1;
    }
    expect(admin).toBeGreaterThan(20);
  });

  it("every function behind a route knows the staff pool's issuer, the only one whose staff roles count (SEC-1)", () => {
    const served = new Set(
      resourcesOf(dev.json, 'AWS::ApiGateway::Method')
        .filter(([, p]) => p.HttpMethod !== 'OPTIONS')
        .map(([, p]) => JSON.stringify((p.Integration as { Uri?: unknown }).Uri).match(/([A-Za-z0-9]+Function)[A-Za-z0-9]*"/)?.[1]),
    );
    expect(served.size).toBeGreaterThan(20);
    for (const [id, p] of functions(dev)) {
      if (!served.has(id)) continue;
      const issuer = (p.Environment as { Variables: Record<string, unknown> }).Variables.STAFF_POOL_ISSUER;
      expect(JSON.stringify(issuer), id).toMatch(/StaffPool.*ProviderURL/);
    }
  });

  // SEC-1, authorization by default: no client chooses its group; the customer pool's
  // post-confirmation trigger puts every confirmed customer in `customer` (functions/identity).
  const pool = (s: Synthesized, name: 'CustomerPool' | 'StaffPool') => {
    const found = resourcesOf(s.json, 'AWS::Cognito::UserPool').filter(([id]) => id.includes(name));
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };

  it("SEC-1: the customer pool's PostConfirmation trigger is AddNewCustomerToGroupFunction's live alias (functions/identity); the staff pool has no trigger at all — dev and prod", () => {
    for (const s of [dev, prod]) {
      expect(pool(s, 'CustomerPool')[1].LambdaConfig).toEqual({ PostConfirmation: { Ref: 'AddNewCustomerToGroupFunctionLive' } });
      expect(s.json.Resources.AddNewCustomerToGroupFunctionLive?.Type).toBe('AWS::Lambda::Alias');
      expect(pool(s, 'StaffPool')[1].LambdaConfig).toBeUndefined();
      expect(ServiceFunction.entries.get('AddNewCustomerToGroupFunction')).toBe('functions/identity/handlers/add-new-customer-to-group.ts');
    }
  });

  it('SEC-1: only the customer pool may invoke the trigger (a Lambda permission for cognito-idp bound to its ARN), and no function is invocable by the staff pool', () => {
    for (const s of [dev, prod]) {
      const [customerPool] = pool(s, 'CustomerPool');
      const [staffPool] = pool(s, 'StaffPool');
      const cognito = resourcesOf(s.json, 'AWS::Lambda::Permission').filter(([, p]) => p.Principal === 'cognito-idp.amazonaws.com');
      expect(cognito.map(([, p]) => ({ Action: p.Action, FunctionName: p.FunctionName, SourceArn: p.SourceArn }))).toEqual([
        { Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'AddNewCustomerToGroupFunctionLive' }, SourceArn: { 'Fn::GetAtt': [customerPool, 'Arn'] } },
      ]);
      expect(JSON.stringify(cognito)).not.toContain(staffPool);
    }
  });

  it("SEC-1: the trigger's role allows only cognito-idp:AdminAddUserToGroup (besides its logs and X-Ray), and no other function may touch Cognito", () => {
    for (const s of [dev, prod]) {
      const grants = grantsByFunction(s.json);
      const own = (grants.AddNewCustomerToGroupFunction ?? []).filter((g) => !/^(logs|xray):/.test(g));
      expect(own).toEqual(['cognito-idp:AdminAddUserToGroup → arn:AWS::Partition:cognito-idp:AWS::Region:AWS::AccountId:userpool/*']);
      // SEC-3: the erasure disables the erased customer's sign-in — AdminDisableUser on the customer pool only.
      expect((grants.DeleteMeFunction ?? []).filter((g) => g.startsWith('cognito-idp:'))).toEqual([expect.stringMatching(/^cognito-idp:AdminDisableUser → .*CustomerPool/)]);
      for (const [fn, list] of Object.entries(grants))
        if (fn !== 'AddNewCustomerToGroupFunction' && fn !== 'DeleteMeFunction')
          expect(
            list.filter((g) => g.startsWith('cognito-idp:')),
            fn,
          ).toEqual([]);
    }
  });

  it('no nested stack takes a parameter from a parent resource that reads one of its outputs (CloudFormation refuses the cycle; e.g. the customer pool and its trigger)', () => {
    for (const s of [dev, prod]) {
      const nestedStacks = new Map(resourcesOf(s.parent, 'AWS::CloudFormation::Stack').map(([id, p]) => [id, JSON.stringify(p.Parameters ?? {})]));
      expect(nestedStacks.size).toBeGreaterThan(5);
      let checked = 0;
      for (const [id, resource] of Object.entries(s.parent.Resources)) {
        const body = JSON.stringify(resource);
        for (const [nested, parameters] of nestedStacks) {
          if (!body.includes(`"Fn::GetAtt":["${nested}","Outputs.`)) continue;
          checked++;
          expect(parameters, `${id} reads ${nested}'s outputs and ${nested} takes ${id} as a parameter`).not.toMatch(new RegExp(`"(Ref|Fn::GetAtt)":\\[?"${id}"`));
        }
      }
      // The customer pool reads its trigger's ARN from the Identity nested stack.
      expect(checked).toBeGreaterThan(0);
      expect(JSON.stringify(s.parent.Resources[pool(s, 'CustomerPool')[0]])).toMatch(/"Fn::GetAtt":\["IdentityStack[^"]*","Outputs\./);
    }
  });

  it('requires MFA for staff, offers it to customers, and has a group per API role', () => {
    const pools = resourcesOf(dev.json, 'AWS::Cognito::UserPool');
    expect(pools.map(([, p]) => p.MfaConfiguration).sort()).toEqual(['ON', 'OPTIONAL']);
    const groups = resourcesOf(dev.json, 'AWS::Cognito::UserPoolGroup')
      .map(([, p]) => p.GroupName)
      .sort();
    expect(groups).toEqual(['admin', 'analyst', 'content-reviewer', 'cs-agent', 'customer', 'marketer', 'ops', 'risk-analyst']);
  });

  it('logs access without personal data, throttles and traces the stage', () => {
    const [[, stage]] = resourcesOf(dev.json, 'AWS::ApiGateway::Stage') as [[string, Record<string, unknown>]];
    expect(stage.TracingEnabled).toBe(true);
    const format = (stage.AccessLogSetting as { Format: string }).Format;
    expect(format).toContain('$context.requestId');
    expect(format).not.toMatch(/sourceIp|\$context\.identity|authorizer\.claims/);
    expect(stage.MethodSettings).toEqual(
      expect.arrayContaining([expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })]),
    );
  });

  it('answers gateway errors as application/problem+json', () => {
    for (const [id, p] of resourcesOf(dev.json, 'AWS::ApiGateway::GatewayResponse')) {
      expect((p.ResponseParameters as Record<string, string>)['gatewayresponse.header.Content-Type'], id).toBe("'application/problem+json'");
    }
  });

  it('public routes are exactly the ones API.md makes public, plus GET /payment-methods (a storefront shows what it accepts before sign-in)', () => {
    const publicMethods = resourcesOf(dev.json, 'AWS::ApiGateway::Method')
      .filter(([, p]) => p.AuthorizationType === 'NONE' && p.HttpMethod !== 'OPTIONS')
      .map(([, p]) => p.OperationName)
      .sort();
    expect(publicMethods).toEqual(['getHealth', 'getOpenApi', 'getProduct', 'listPaymentMethods', 'listProducts', 'receiveCarrierWebhook', 'receivePaymentWebhook'].sort());
  });
});

describe('abuse and denial of wallet (SEC-5)', () => {
  it('prod has a WAF web ACL on the API stage: a per-IP rate-based rule and the AWS managed common rules; dev has none', () => {
    const acls = resourcesOf(prod.json, 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const [[aclId, acl]] = acls as [[string, Record<string, unknown>]];
    expect(acl.Scope).toBe('REGIONAL');
    const rules = acl.Rules as Array<{ Name: string; Action?: unknown; Statement: Record<string, { AggregateKeyType?: string; Limit?: number; Name?: string }> }>;
    const rate = rules.find((r) => r.Statement.RateBasedStatement);
    expect(rate?.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 2000 });
    expect(rate?.Action).toEqual({ Block: {} });
    expect(rules.map((r) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean)).toContain('AWSManagedRulesCommonRuleSet');
    const [[, association]] = resourcesOf(prod.json, 'AWS::WAFv2::WebACLAssociation') as [[string, Record<string, unknown>]];
    expect(JSON.stringify(association.WebACLArn)).toContain(aclId);
    expect(JSON.stringify(association.ResourceArn)).toMatch(/restapis|HttpApi/);
    expect(resourcesOf(dev.json, 'AWS::WAFv2::WebACL')).toHaveLength(0);
  });

  it('prod reserves concurrency for every function anyone can reach (public or customer routes), and only for those', () => {
    const routes = new Map([...apiRoutes, postSandboxCarrierEventRoute, receiveKuaidi100CallbackRoute].map((r) => [r.operation, r as RouteContract]));
    const reachable = new Set<string>();
    for (const [, p] of resourcesOf(prod.json, 'AWS::ApiGateway::Method')) {
      const route = routes.get(String(p.OperationName));
      if (!route) continue;
      const fn = JSON.stringify((p.Integration as { Uri?: unknown }).Uri).match(/([A-Za-z0-9]+Function)[A-Za-z0-9]*"/)?.[1] as string;
      if (route.auth === 'public' || route.auth.roles.length === 0 || route.auth.roles.includes('customer')) reachable.add(fn);
    }
    expect(reachable.size).toBeGreaterThanOrEqual(10);
    for (const [id, p] of functions(prod)) {
      if (reachable.has(id)) expect(p.ReservedConcurrentExecutions, id).toBe(40);
      else expect(p.ReservedConcurrentExecutions, id).toBeUndefined();
    }
    const reserved = functions(prod).reduce((sum, [, p]) => sum + Number(p.ReservedConcurrentExecutions ?? 0), 0);
    expect(reserved).toBeLessThanOrEqual(900); // the default regional quota (1 000) keeps 100 unreserved
    expect(functions(dev).filter(([, p]) => p.ReservedConcurrentExecutions !== undefined)).toEqual([]);
  });
});

describe('audit trail anchors and alarm (SEC-4)', () => {
  it('anchors the chain head in a versioned bucket with Object Lock in compliance mode; nobody may delete objects', () => {
    const [[bucketId, bucket]] = resourcesOf(prod.json, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('AuditAnchorBucket')) as [[string, Record<string, unknown>]];
    expect(bucket.ObjectLockEnabled).toBe(true);
    expect(bucket.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const policy = resourcesOf(prod.json, 'AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Bucket).includes(bucketId));
    const statements = (policy?.[1].PolicyDocument as { Statement: Array<{ Effect: string; Principal: unknown; Action: string | string[] }> }).Statement;
    const denyDelete = statements.find((st) => st.Effect === 'Deny' && [st.Action].flat().includes('s3:DeleteObject'));
    expect(denyDelete?.Principal).toEqual({ AWS: '*' });
    expect([denyDelete?.Action].flat()).toEqual(expect.arrayContaining(['s3:DeleteObjectVersion', 's3:PutBucketObjectLockConfiguration']));
  });

  it('alarms on any chain break, or an hour without verification, to the operations alarm topic', () => {
    const alarms = resourcesOf(prod.json, 'AWS::CloudWatch::Alarm').filter(([, p]) => p.MetricName === 'AuditChainBreaks');
    expect(alarms).toHaveLength(1);
    const [[, alarm]] = alarms as [[string, Record<string, unknown>]];
    expect(alarm).toMatchObject({ Namespace: 'Commerce', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'breaching', Period: 3600 });
    expect(alarm.Dimensions).toEqual([{ Name: 'service', Value: 'VerifyAuditChainFunction' }]);
    expect(JSON.stringify(alarm.AlarmActions)).toContain('CriticalAlarmTopic');
    expect(String(alarm.AlarmDescription)).toMatch(/^\[critical\] .* Runbook: docs\/runbooks\/audit-chain\.md$/);
    const verifier = functions(prod).find(([id]) => id === 'VerifyAuditChainFunction')?.[1] as { Environment: { Variables: Record<string, unknown> } };
    expect(JSON.stringify(verifier.Environment.Variables.AUDIT_ANCHOR_BUCKET)).toContain('AuditAnchorBucket');
    expect(verifier.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Commerce');
  });

  it('CMP-1: every scan runs in its own scheduled function, and a new high or critical finding of any scan alarms to the operations alarm topic', () => {
    const scanFunctions = functions(prod).filter(([id]) => /ScanFunction$/.test(id));
    expect(scanFunctions.map(([id]) => id).sort()).toEqual([
      'BannedTermsScanFunction',
      'LedgerImbalanceScanFunction',
      'PlaintextPersonalDataScanFunction',
      'ReservationDriftScanFunction',
      'RetentionOverdueScanFunction',
      'SingleSourceSkusScanFunction',
      'SupplierLicencesScanFunction',
      'TicketSlaBreachesScanFunction',
      'UnpaidOrdersScanFunction',
    ]);
    const alarms = resourcesOf(prod.json, 'AWS::CloudWatch::Alarm').filter(([, p]) => p.MetricName === 'SevereComplianceFindingsOpened');
    expect(alarms.map(([, p]) => (p.Dimensions as Array<{ Value: string }>)[0]!.Value).sort()).toEqual(scanFunctions.map(([id]) => id).sort());
    for (const [, alarm] of alarms) {
      expect(alarm).toMatchObject({ Namespace: 'Commerce', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 3600 });
      expect(JSON.stringify(alarm.AlarmActions)).toContain('HighAlarmTopic');
    }
    for (const [, fn] of scanFunctions) expect((fn as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables.COMPLIANCE_SCAN).toEqual(expect.any(String));
  });
});

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it('synthesizes dev and prod with no unacknowledged finding (a finding would fail synthesis)', () => {
    expect(dev.json.Resources).toBeDefined();
    expect(prod.json.Resources).toBeDefined();
  });

  it('every acknowledgement names one rule and gives a specific reason', () => {
    const acknowledgements = prod.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, ...(m.data as Record<string, string>) })));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, ...rules } of acknowledgements) {
      for (const [id, reason] of Object.entries(rules)) {
        expect(id, path).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[[^\]]+\])?$|::/);
        expect(String(reason).length, `${path} ${id}`).toBeGreaterThan(40);
      }
    }
  });
});
