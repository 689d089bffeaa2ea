/**
 * The carriers' webhook signing secrets (FUL-3), `{ carrierId: secret }`, through the kernel's
 * {@link stageSecret}: in every deployed stage — dev included — the JSON secret
 * `commerce/<stage>/carriers` from AWS Secrets Manager (`CARRIER_WEBHOOK_SECRETS_ID`, read once per
 * container per 5 minutes); the built-in sandbox secret only in the local cloud and the tests
 * (`LOCAL_CLOUD=true`); a deployed stage without the id refuses (ConfigError), never falling back
 * to the sandbox's public secret.
 */
import { stageSecret, type StageSecretOptions } from '../../shared/secrets.ts';
import { CarrierSecretsSchema, type FulfillmentSettings } from './settings.ts';

/** The signing secret of each carrier this stage accepts webhooks from. */
export function carrierWebhookSecrets(
  settings: Pick<FulfillmentSettings, 'localWebhookSecrets' | 'webhookSecretsId'>,
  options?: StageSecretOptions,
): Promise<Readonly<Record<string, string>>> {
  return stageSecret(
    {
      what: 'the carriers’ webhook signing secrets',
      idVariable: 'CARRIER_WEBHOOK_SECRETS_ID',
      secretId: settings.webhookSecretsId,
      schema: CarrierSecretsSchema(),
      local: () => settings.localWebhookSecrets,
    },
    options,
  );
}
