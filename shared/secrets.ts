/**
 * Secrets of deployed stages (payment provider API keys, webhook signing keys) live in AWS Secrets
 * Manager, never in environment variables or the template: a function gets the secret's id in its
 * environment and `secretsmanager:GetSecretValue` on that one secret. Values are read on first use
 * and cached per container for five minutes, so a rotation takes effect without a deploy and
 * Secrets Manager is not called per request.
 *
 * The dev stage (and the local cloud, which has no Secrets Manager) uses sandbox providers whose
 * non-secret signing keys come from settings instead; which source applies is decided by the
 * stage's configuration (an id is set or not), never by detecting where the code runs.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError } from './config.ts';

const CACHE_MS = 5 * 60_000;

let client: SecretsManagerClient | undefined;
const cache = new Map<string, { at: number; value: Promise<unknown> }>();

/** Reads a JSON secret and checks it against `schema`; throws a ConfigError naming the secret (never its value). */
export async function readJsonSecret<S extends z.ZodType>(secretId: string, schema: S, now: () => number = Date.now): Promise<z.output<S>> {
  const hit = cache.get(secretId);
  if (!hit || now() - hit.at > CACHE_MS) {
    client ??= new SecretsManagerClient({});
    const value = client.send(new GetSecretValueCommand({ SecretId: secretId })).then(({ SecretString }) => {
      try {
        return JSON.parse(SecretString ?? '') as unknown;
      } catch {
        throw new ConfigError(`secret ${secretId} is not JSON`);
      }
    });
    cache.set(secretId, { at: now(), value });
    value.catch(() => cache.delete(secretId));
  }
  const parsed = schema.safeParse(await (cache.get(secretId) as { value: Promise<unknown> }).value);
  if (!parsed.success) throw new ConfigError(`secret ${secretId} does not have the expected shape: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  return parsed.data;
}

/** Forgets cached secrets. Tests only. */
export function resetSecretsForTests(): void {
  cache.clear();
  client?.destroy();
  client = undefined;
}
