import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { makeReceiveCarrierWebhookHandler } from '../../../functions/fulfillment/handlers/receive-carrier-webhook.ts';
import { makeReceivePaymentWebhookHandler } from '../../../functions/payments/handlers/receive-payment-webhook.ts';
import { sqsConsumer } from '../../../shared/event-consumer.ts';
import { httpHandler } from '../../../shared/http/handler.ts';
import { ConfigError, DEFAULT_BANNED_ADVERTISING_TERMS, getConfig, parseConfig, requireSetting, requireStage, resetConfigForTests } from '../../../shared/config.ts';

/** Every function's environment names its stage (the CDK stack sets STAGE). */
const DEV = { STAGE: 'dev' };

describe('config', () => {
  afterEach(() => {
    delete process.env.CATALOG_TABLE_NAME;
    delete process.env.PAGINATION_MAX_LIMIT;
    resetConfigForTests();
  });

  it('has the handbook defaults (ORD-2, ORD-4, RISK-1, RISK-7, CMP-1, ORD-7)', () => {
    const config = parseConfig(DEV);
    expect(config.stage).toBe('dev');
    expect(config.localCloud).toBe(false);
    expect(config.currency).toBe('CNY');
    expect(config.paymentWindowMinutes).toBe(30);
    expect(config.refundApprovalThresholdMinor).toBe(100_000);
    expect(config.risk).toEqual({ reviewThreshold: 40, rejectThreshold: 75 });
    expect(config.pagination).toEqual({ defaultLimit: 20, maxLimit: 100 });
    expect(config.idempotency.keyTtlHours).toBe(24);
    expect(config.compliance.bannedAdvertisingTerms).toEqual(DEFAULT_BANNED_ADVERTISING_TERMS);
    expect(config.compliance.bannedAdvertisingTerms).toEqual(expect.arrayContaining(['最有效', '国家级', '最佳']));
    expect(Object.values(config.infra).every((v) => v === undefined)).toBe(true);
  });

  it('reads overrides and infrastructure names from the environment', () => {
    const config = parseConfig({
      STAGE: 'prod',
      CATALOG_TABLE_NAME: 'Catalog',
      PAYMENT_WINDOW_MINUTES: '15',
      RISK_REVIEW_THRESHOLD: '30',
      BANNED_ADVERTISING_TERMS: '["最佳","No.1"]',
      IDEMPOTENCY_KEY_TTL_HOURS: '48',
    });
    expect(config.stage).toBe('prod');
    expect(config.infra.catalogTableName).toBe('Catalog');
    expect(config.paymentWindowMinutes).toBe(15);
    expect(config.risk.reviewThreshold).toBe(30);
    expect(config.compliance.bannedAdvertisingTerms).toEqual(['最佳', 'No.1']);
    expect(config.idempotency.keyTtlHours).toBe(48);
    expect(parseConfig({ ...DEV, BANNED_ADVERTISING_TERMS: '最佳, 第一 ,' }).compliance.bannedAdvertisingTerms).toEqual(['最佳', '第一']);
    expect(parseConfig({ ...DEV, ALLOWED_ADVERTISING_PHRASES: '第一次,第一步' }).compliance.allowedAdvertisingPhrases).toEqual(['第一次', '第一步']);
    expect(parseConfig(DEV).compliance.allowedAdvertisingPhrases).toBeUndefined();
    expect(parseConfig({ ...DEV, CATALOG_TABLE_NAME: '' }).infra.catalogTableName).toBeUndefined();
  });

  it.each([
    [{ PAYMENT_WINDOW_MINUTES: 'soon' }, 'PAYMENT_WINDOW_MINUTES'],
    [{ DEFAULT_CURRENCY: 'yuan' }, 'DEFAULT_CURRENCY'],
    [{ RISK_REVIEW_THRESHOLD: '80' }, 'RISK_REVIEW_THRESHOLD'],
    [{ PAGINATION_DEFAULT_LIMIT: '200', PAGINATION_MAX_LIMIT: '100' }, 'PAGINATION_DEFAULT_LIMIT'],
    [{ IDEMPOTENCY_KEY_TTL_HOURS: '1' }, 'IDEMPOTENCY_KEY_TTL_HOURS'],
    [{ BANNED_ADVERTISING_TERMS: '[1,2' }, 'BANNED_ADVERTISING_TERMS'],
    [{ BANNED_ADVERTISING_TERMS: '["最佳", 1]' }, 'BANNED_ADVERTISING_TERMS'],
    [{ PAYMENT_WINDOW_MINUTES: '7.5' }, 'PAYMENT_WINDOW_MINUTES'],
    [{ PAYMENT_WINDOW_MINUTES: '0' }, 'PAYMENT_WINDOW_MINUTES'],
    [{ PERSONAL_DATA_RETENTION_DAYS: '36501' }, 'PERSONAL_DATA_RETENTION_DAYS'],
    [{ ORDERS_TABLE_NAME: '   ' }, 'ORDERS_TABLE_NAME'],
    [{ EVENT_BUS_NAME: 'x'.repeat(257) }, 'EVENT_BUS_NAME'],
    [{ STAGE: 'Prod' }, 'STAGE'],
    [{ CORS_ALLOW_ORIGIN: '  ' }, 'CORS_ALLOW_ORIGIN'],
  ])('rejects invalid %j naming the variable, not the value', (env, name) => {
    expect(() => parseConfig({ ...DEV, ...env })).toThrow(ConfigError);
    expect(() => parseConfig({ ...DEV, ...env })).toThrow(name);
  });

  it('names every invalid variable at once, never a value; trims names, takes integers as written', () => {
    const secretish = 'sk_live_do_not_print_me';
    expect(() => parseConfig({ ...DEV, DEFAULT_CURRENCY: secretish, RISK_REJECT_THRESHOLD: secretish })).toThrow(
      /^Invalid configuration: DEFAULT_CURRENCY: must match .*; RISK_REJECT_THRESHOLD: must be an integer$/,
    );
    expect(() => parseConfig({ ...DEV, STAGE: 'Prod', RISK_REVIEW_THRESHOLD: '80' })).toThrow(/STAGE: .*; RISK_REVIEW_THRESHOLD: must be lower than RISK_REJECT_THRESHOLD/);
    try {
      parseConfig({ ...DEV, DEFAULT_CURRENCY: secretish });
    } catch (error) {
      expect(String(error)).not.toContain(secretish);
    }
    const config = parseConfig({ ...DEV, ORDERS_TABLE_NAME: '  Orders  ', PAYMENT_WINDOW_MINUTES: ' 15 ', CORS_ALLOW_ORIGIN: ' https://shop.example ' });
    expect(config.infra.ordersTableName).toBe('Orders');
    expect(config.paymentWindowMinutes).toBe(15);
    expect(config.http.corsAllowOrigin).toBe('https://shop.example');
    expect(parseConfig(DEV).http.corsAllowOrigin).toBe('*');
    expect(parseConfig({ ...DEV, BANNED_ADVERTISING_TERMS: '[" 最佳 ", ""]' }).compliance.bannedAdvertisingTerms).toEqual(['最佳']);
  });

  // Webhooks and provider data (security hardening): a missing stage never means dev.
  it.each([
    ['missing', {}],
    ['empty', { STAGE: '' }],
  ])('fails closed when STAGE is %s: reading the stage is a ConfigError naming STAGE, never dev (PAY-2, FUL-3)', (_name, env) => {
    const config = parseConfig(env);
    expect(() => config.stage).toThrow(ConfigError);
    expect(() => config.stage).toThrow(/STAGE is not set/);
  });

  it('a function without STAGE refuses to start: building its handler (cold start) is a ConfigError, not a dev-stage function', () => {
    const saved = process.env.STAGE;
    try {
      delete process.env.STAGE;
      resetConfigForTests();
      expect(() => requireStage()).toThrow(/STAGE is not set/);
      expect(() => httpHandler({ operation: 'anything', auth: 'public' }, async () => ({ statusCode: 200 }))).toThrow(ConfigError);
      expect(() => sqsConsumer(async () => undefined)).toThrow(/STAGE is not set/);
      expect(() => makeReceiveCarrierWebhookHandler()).toThrow(/STAGE is not set/);
      expect(() => makeReceivePaymentWebhookHandler()).toThrow(/STAGE is not set/);
    } finally {
      process.env.STAGE = saved;
      resetConfigForTests();
    }
    expect(requireStage()).toBe('dev');
  });

  it('the local-cloud switch (LOCAL_CLOUD=true) is off unless set, and refused on AWS Lambda (SEC-2, PAY-2, FUL-3)', () => {
    expect(parseConfig({ ...DEV }).localCloud).toBe(false);
    expect(parseConfig({ ...DEV, LOCAL_CLOUD: 'false' }).localCloud).toBe(false);
    expect(parseConfig({ ...DEV, LOCAL_CLOUD: 'true' }).localCloud).toBe(true);
    // the local cloud runs functions with AWS_LAMBDA_RUNTIME_API set to '' (infra/local/cloud.ts)
    expect(parseConfig({ ...DEV, LOCAL_CLOUD: 'true', AWS_LAMBDA_RUNTIME_API: '' }).localCloud).toBe(true);
    expect(() => parseConfig({ ...DEV, LOCAL_CLOUD: 'yes' })).toThrow(/LOCAL_CLOUD/);
    // Lambda's reserved variables (a template cannot set them) identify a real Lambda environment.
    expect(() => parseConfig({ ...DEV, LOCAL_CLOUD: 'true', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toThrow(/LOCAL_CLOUD is set on AWS Lambda/);
    expect(() => parseConfig({ ...DEV, LOCAL_CLOUD: 'true', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' })).toThrow(ConfigError);
    expect(parseConfig({ ...DEV, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }).localCloud).toBe(false);
  });

  it('requireSetting names the missing environment variable', () => {
    resetConfigForTests();
    expect(() => requireSetting('catalogTableName')).toThrow(/CATALOG_TABLE_NAME is not set/);
    process.env.CATALOG_TABLE_NAME = 'Catalog';
    resetConfigForTests();
    expect(requireSetting('catalogTableName')).toBe('Catalog');
  });

  it('is parsed once and cached until reset', () => {
    process.env.PAGINATION_MAX_LIMIT = '50';
    resetConfigForTests();
    const first = getConfig();
    process.env.PAGINATION_MAX_LIMIT = '60';
    expect(getConfig()).toBe(first);
    expect(getConfig().pagination.maxLimit).toBe(50);
    resetConfigForTests();
    expect(getConfig().pagination.maxLimit).toBe(60);
  });
});
