import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_BANNED_ADVERTISING_TERMS, getConfig, parseConfig, requireSetting, resetConfigForTests } from '../../../shared/config.ts';

describe('config', () => {
  afterEach(() => {
    delete process.env.CATALOG_TABLE_NAME;
    delete process.env.PAGINATION_MAX_LIMIT;
    resetConfigForTests();
  });

  it('has the handbook defaults (ORD-2, ORD-4, RISK-1, RISK-7, CMP-1, ORD-7)', () => {
    const config = parseConfig({});
    expect(config.stage).toBe('dev');
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
    expect(parseConfig({ BANNED_ADVERTISING_TERMS: '最佳, 第一 ,' }).compliance.bannedAdvertisingTerms).toEqual(['最佳', '第一']);
    expect(parseConfig({ CATALOG_TABLE_NAME: '' }).infra.catalogTableName).toBeUndefined();
  });

  it.each([
    [{ PAYMENT_WINDOW_MINUTES: 'soon' }, 'PAYMENT_WINDOW_MINUTES'],
    [{ DEFAULT_CURRENCY: 'yuan' }, 'DEFAULT_CURRENCY'],
    [{ RISK_REVIEW_THRESHOLD: '80' }, 'RISK_REVIEW_THRESHOLD'],
    [{ PAGINATION_DEFAULT_LIMIT: '200', PAGINATION_MAX_LIMIT: '100' }, 'PAGINATION_DEFAULT_LIMIT'],
    [{ IDEMPOTENCY_KEY_TTL_HOURS: '1' }, 'IDEMPOTENCY_KEY_TTL_HOURS'],
    [{ BANNED_ADVERTISING_TERMS: '[1,2' }, 'BANNED_ADVERTISING_TERMS'],
  ])('rejects invalid %j naming the variable, not the value', (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
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
