/**
 * Webhooks and provider data (security hardening): where a signing secret comes from is decided in
 * one place (shared/secrets.ts `stageSecret`) on the kernel's explicit local-cloud switch — never
 * on the stage name. A deployed dev stage is on the internet: it reads Secrets Manager like prod;
 * built-in sandbox secrets exist only in the local cloud and tests (PAY-2, FUL-3, SEC-2).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as z from '../../../shared/zod.ts';
import { ConfigError, resetConfigForTests } from '../../../shared/config.ts';
import { stageSecret } from '../../../shared/secrets.ts';
import { carrierWebhookSecrets } from '../../../functions/fulfillment/carrier-secrets.ts';
import { fulfillmentSettings, SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import { sandboxWebhookSecret } from '../../../functions/payments/provider/from-env.ts';
import { DEV_SANDBOX_WEBHOOK_SECRET, paymentsSettings } from '../../../functions/payments/settings.ts';

const Schema = z.object({ webhookSecret: z.string() });
const source = (secretId: string | undefined) => ({
  what: 'the test secret',
  idVariable: 'TEST_SECRET_ID',
  secretId,
  schema: Schema,
  local: () => ({ webhookSecret: 'built-in-sandbox' }),
});

/** A Secrets Manager stand-in that records what was read. */
function secretsManager(values: Record<string, unknown>) {
  const reads: string[] = [];
  const read = async <S extends z.ZodMiniType>(id: string, schema: S): Promise<z.output<S>> => {
    reads.push(id);
    if (!(id in values)) throw Object.assign(new Error(`Secrets Manager can't find the specified secret ${id}`), { name: 'ResourceNotFoundException' });
    return schema.parse(values[id]);
  };
  return { read, reads };
}

describe('stageSecret (kernel)', () => {
  afterEach(() => {
    process.env.LOCAL_CLOUD = 'true';
    process.env.STAGE = 'dev';
    resetConfigForTests();
  });

  it('a deployed stage (no local-cloud switch) — dev included — reads Secrets Manager by id, never the built-in secret', async () => {
    const sm = secretsManager({ 'commerce/dev/stripe': { webhookSecret: 'from-secrets-manager' } });
    await expect(stageSecret(source('commerce/dev/stripe'), { localCloud: false, read: sm.read })).resolves.toEqual({ webhookSecret: 'from-secrets-manager' });
    expect(sm.reads).toEqual(['commerce/dev/stripe']);
  });

  it('a deployed stage without the secret id fails closed with a ConfigError naming the variable (no built-in fallback)', async () => {
    const sm = secretsManager({});
    await expect(stageSecret(source(undefined), { localCloud: false, read: sm.read })).rejects.toThrow(ConfigError);
    await expect(stageSecret(source(undefined), { localCloud: false, read: sm.read })).rejects.toThrow(/TEST_SECRET_ID is not set/);
    expect(sm.reads).toEqual([]);
  });

  it('the local cloud and tests (LOCAL_CLOUD=true) use the built-in value, even though the dev template names the secret', async () => {
    const sm = secretsManager({});
    await expect(stageSecret(source('commerce/dev/stripe'), { localCloud: true, read: sm.read })).resolves.toEqual({ webhookSecret: 'built-in-sandbox' });
    expect(sm.reads).toEqual([]);
  });

  it('decides on the LOCAL_CLOUD switch of the environment, not on STAGE', async () => {
    const sm = secretsManager({});
    process.env.STAGE = 'dev';
    delete process.env.LOCAL_CLOUD;
    resetConfigForTests();
    await expect(stageSecret(source(undefined), { read: sm.read })).rejects.toThrow(/TEST_SECRET_ID is not set/);
    process.env.LOCAL_CLOUD = 'true';
    process.env.STAGE = 'prod';
    resetConfigForTests();
    await expect(stageSecret(source(undefined), { read: sm.read })).resolves.toEqual({ webhookSecret: 'built-in-sandbox' });
  });
});

describe('carriers’ webhook secrets (FUL-3)', () => {
  it('deployed dev stage: the secret commerce/dev/carriers from Secrets Manager; never the sandbox’s public secret', async () => {
    const settings = fulfillmentSettings({ CARRIER_WEBHOOK_SECRETS_ID: 'commerce/dev/carriers' });
    const sm = secretsManager({ 'commerce/dev/carriers': { 'premium-express': 'a-real-secret-of-premium-express' } });
    await expect(carrierWebhookSecrets(settings, { localCloud: false, read: sm.read })).resolves.toEqual({ 'premium-express': 'a-real-secret-of-premium-express' });
    expect(sm.reads).toEqual(['commerce/dev/carriers']);
  });

  it('a deployed stage without CARRIER_WEBHOOK_SECRETS_ID refuses (today: dev fell back to the sandbox secret)', async () => {
    // Even an inline CARRIER_WEBHOOK_SECRETS is ignored outside the local cloud: secrets never come from plain variables.
    const settings = fulfillmentSettings({ CARRIER_WEBHOOK_SECRETS: JSON.stringify({ 'premium-express': SANDBOX_CARRIER_WEBHOOK_SECRET }) });
    await expect(carrierWebhookSecrets(settings, { localCloud: false, read: secretsManager({}).read })).rejects.toThrow(/CARRIER_WEBHOOK_SECRETS_ID is not set/);
  });

  it('local cloud and tests: the sandbox secret for every sandbox carrier', async () => {
    const secrets = await carrierWebhookSecrets(fulfillmentSettings({ CARRIER_WEBHOOK_SECRETS_ID: 'commerce/dev/carriers' }), { localCloud: true, read: secretsManager({}).read });
    expect(secrets).toEqual({
      'premium-express': SANDBOX_CARRIER_WEBHOOK_SECRET,
      'standard-express': SANDBOX_CARRIER_WEBHOOK_SECRET,
      'economy-post': SANDBOX_CARRIER_WEBHOOK_SECRET,
    });
  });
});

describe('the sandbox payment provider’s webhook secret (PAY-2)', () => {
  it('deployed dev stage: webhookSecret of commerce/dev/stripe from Secrets Manager (an apiKey, if any, is ignored)', async () => {
    const settings = paymentsSettings({ SANDBOX_WEBHOOK_SECRET_ID: 'commerce/dev/stripe' });
    const sm = secretsManager({ 'commerce/dev/stripe': { webhookSecret: 'whsec_dev_stage_0123456789abcdef', apiKey: 'unused' } });
    await expect(sandboxWebhookSecret(settings, { localCloud: false, read: sm.read })).resolves.toBe('whsec_dev_stage_0123456789abcdef');
  });

  it('a deployed stage without SANDBOX_WEBHOOK_SECRET_ID refuses; the built-in secret is never used there', async () => {
    await expect(sandboxWebhookSecret(paymentsSettings({}), { localCloud: false, read: secretsManager({}).read })).rejects.toThrow(/SANDBOX_WEBHOOK_SECRET_ID is not set/);
    await expect(
      sandboxWebhookSecret(paymentsSettings({ SANDBOX_WEBHOOK_SECRET: 'inline-secret-0123456789' }), { localCloud: false, read: secretsManager({}).read }),
    ).rejects.toThrow(ConfigError);
  });

  it('local cloud and tests: the built-in sandbox secret (or SANDBOX_WEBHOOK_SECRET)', async () => {
    await expect(sandboxWebhookSecret(paymentsSettings({ SANDBOX_WEBHOOK_SECRET_ID: 'commerce/dev/stripe' }), { localCloud: true })).resolves.toBe(DEV_SANDBOX_WEBHOOK_SECRET);
    await expect(sandboxWebhookSecret(paymentsSettings({ SANDBOX_WEBHOOK_SECRET: 'inline-secret-0123456789' }), { localCloud: true })).resolves.toBe('inline-secret-0123456789');
  });
});
