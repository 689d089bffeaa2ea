/**
 * The risk-signal key (SEC-2, RISK-2 signals): only the local cloud and tests use the built-in
 * non-secret key; every deployed stage — dev included — reads `{ hmacKey }` from Secrets Manager by
 * id; anything missing fails closed with a logged error naming the secret and the cause, never a value.
 */
import { describe, expect, it } from 'vitest';
import { riskSignalKeyResolver, RiskSignalKeyUnavailableError, RiskSignalSecretSchema, type SecretReader } from '../../../functions/checkout/risk-signal-key.ts';
import { checkoutSettings, DEV_RISK_SIGNAL_HMAC_KEY } from '../../../functions/checkout/settings.ts';
import { ConfigError } from '../../../shared/config.ts';

const KEY = 'k'.repeat(24) + 'Zm9vYmFyYmF6cXV4cXV1eA==';

function recordingLog() {
  const errors: Array<{ message: string; attributes: Record<string, unknown>[] }> = [];
  return { errors, log: { info: () => {}, warn: () => {}, error: (message: string, ...attributes: Record<string, unknown>[]) => void errors.push({ message, attributes }) } };
}

describe('risk-signal key (checkout)', () => {
  it('the local cloud: the built-in key, or RISK_SIGNAL_HMAC_KEY; Secrets Manager (which it does not have) is not asked', async () => {
    const { log } = recordingLog();
    const asked: string[] = [];
    const readSecret: SecretReader = async (id) => (asked.push(id), { hmacKey: KEY });
    expect(
      await riskSignalKeyResolver({ settings: checkoutSettings({ RISK_SIGNAL_HMAC_KEY_ID: 'commerce/dev/risk-signals' }), stage: 'dev', localCloud: true, log, readSecret })(),
    ).toBe(DEV_RISK_SIGNAL_HMAC_KEY);
    expect(await riskSignalKeyResolver({ settings: checkoutSettings({ RISK_SIGNAL_HMAC_KEY: 'a-dev-key-of-16-chars' }), stage: 'dev', localCloud: true, log, readSecret })()).toBe(
      'a-dev-key-of-16-chars',
    );
    expect(asked).toEqual([]);
  });

  it('a deployed dev stage is on the internet: it reads the secret too, and without an id it fails closed', async () => {
    const { log } = recordingLog();
    const readSecret: SecretReader = async (_id, schema) => schema.parse({ hmacKey: KEY });
    expect(
      await riskSignalKeyResolver({ settings: checkoutSettings({ RISK_SIGNAL_HMAC_KEY_ID: 'commerce/dev/risk-signals' }), stage: 'dev', localCloud: false, log, readSecret })(),
    ).toBe(KEY);
    const error = await riskSignalKeyResolver({ settings: checkoutSettings({}), stage: 'dev', localCloud: false, log, readSecret })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiskSignalKeyUnavailableError);
  });

  it('deployed stages: the secret named by RISK_SIGNAL_HMAC_KEY_ID, checked against { hmacKey }', async () => {
    const { log, errors } = recordingLog();
    const asked: string[] = [];
    const readSecret: SecretReader = async (id, schema) => (asked.push(id), schema.parse({ hmacKey: KEY }));
    const settings = checkoutSettings({ RISK_SIGNAL_HMAC_KEY_ID: 'commerce/prod/risk-signals' });
    expect(await riskSignalKeyResolver({ settings, stage: 'prod', localCloud: false, log, readSecret })()).toBe(KEY);
    expect(asked).toEqual(['commerce/prod/risk-signals']);
    expect(errors).toEqual([]);
  });

  it('fails closed on a deployed stage without an id — a key in a plain environment variable is not accepted there', async () => {
    const { log, errors } = recordingLog();
    const settings = checkoutSettings({ RISK_SIGNAL_HMAC_KEY: 'a-key-in-the-environment' });
    const error = await riskSignalKeyResolver({ settings, stage: 'prod', localCloud: false, log })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RiskSignalKeyUnavailableError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('RISK_SIGNAL_HMAC_KEY_ID');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/risk-signal key unavailable.*fail closed/);
    expect(JSON.stringify(errors)).not.toContain('a-key-in-the-environment');
  });

  it('fails closed when the secret cannot be read or has no usable hmacKey, logging the secret id and the cause, never a value', async () => {
    const secretId = 'commerce/prod/risk-signals';
    const settings = checkoutSettings({ RISK_SIGNAL_HMAC_KEY_ID: secretId });
    const denied = Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' });
    for (const [cause, readSecret] of [
      ['AccessDeniedException', async () => Promise.reject(denied)],
      ['$ZodError', async (_id: string, schema: ReturnType<typeof RiskSignalSecretSchema>) => schema.parse({ hmacKey: 'too-short-secret-value' })],
    ] as const) {
      const { log, errors } = recordingLog();
      const error = await riskSignalKeyResolver({ settings, stage: 'prod', localCloud: false, log, readSecret })().catch((e: unknown) => e);
      expect(error, cause).toBeInstanceOf(RiskSignalKeyUnavailableError);
      expect((error as Error).message).toContain(secretId);
      expect(errors, cause).toHaveLength(1);
      expect(errors[0]?.attributes[0]).toMatchObject({ secretId, cause });
      expect(JSON.stringify(errors)).not.toContain('"too-short-secret-value"');
    }
  });
});
