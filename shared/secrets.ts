/**
 * Secrets of deployed stages (payment provider API keys, webhook signing keys) live in AWS Secrets
 * Manager, never in environment variables or the template: a function gets the secret's id in its
 * environment and `secretsmanager:GetSecretValue` on that one secret. Values are read on first use
 * and cached per container for five minutes, so a rotation takes effect without a deploy and
 * Secrets Manager is not called per request.
 *
 * Every deployed stage — dev included: a deployed dev stage is on the internet too — reads its
 * signing secrets (the payment provider's webhook secret, the carriers' secrets) from Secrets
 * Manager. Built-in sandbox secrets exist only in the local cloud (which has no Secrets Manager)
 * and the tests: {@link stageSecret} is the one place that decides, on the kernel's explicit
 * `localCloud` switch (shared/config.ts `LOCAL_CLOUD`, refused on AWS Lambda) — never on the stage
 * name and never because a variable is missing.
 */
import { secretsManagerClientFromEnv, type AwsJsonClient } from './aws-json.ts';
import * as z from './zod.ts';
import { ConfigError, getConfig } from './config.ts';

const CACHE_MS = 5 * 60_000;

let client: AwsJsonClient | undefined;
const cache = new Map<string, { at: number; value: Promise<unknown> }>();

/** Reads a JSON secret and checks it against `schema`; throws a ConfigError naming the secret (never its value). */
export async function readJsonSecret<S extends z.ZodMiniType>(secretId: string, schema: S, now: () => number = Date.now): Promise<z.output<S>> {
  const hit = cache.get(secretId);
  if (!hit || now() - hit.at > CACHE_MS) {
    client ??= secretsManagerClientFromEnv();
    const value = client.call<{ SecretString?: string }>('GetSecretValue', { SecretId: secretId }).then(({ SecretString }) => {
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

/** Where a stage's secret comes from (see {@link stageSecret}). */
export interface StageSecretSource<S extends z.ZodMiniType> {
  /** What the secret is, for error messages (never its value), e.g. `carrier webhook signing secrets`. */
  readonly what: string;
  /** The environment variable holding the Secrets Manager id, e.g. `CARRIER_WEBHOOK_SECRETS_ID`. */
  readonly idVariable: string;
  /** Its value (the id the stack sets: `commerce/<stage>/…`), if set. */
  readonly secretId: string | undefined;
  /** The secret's JSON shape. */
  readonly schema: S;
  /** The local cloud's and the tests' value: the built-in sandbox secret (or a local override). */
  readonly local: () => z.output<S>;
}

/** Options of {@link stageSecret} (tests). */
export interface StageSecretOptions {
  /** Overrides the kernel's `localCloud` switch (default: `getConfig().localCloud`). */
  readonly localCloud?: boolean;
  /** Reads a JSON secret by id (default: {@link readJsonSecret}, cached per container for 5 minutes). */
  readonly read?: <S extends z.ZodMiniType>(secretId: string, schema: S) => Promise<z.output<S>>;
}

/**
 * A signing secret of this stage, fail-closed:
 * - **local cloud and tests** (`LOCAL_CLOUD=true`): `source.local()` — the built-in sandbox value.
 *   It wins over an id: the local cloud runs the dev template, which names the dev stage's
 *   secrets, but has no Secrets Manager;
 * - **every deployed stage, dev included**: the JSON secret `source.secretId` from Secrets Manager;
 * - **a deployed stage without an id**: a {@link ConfigError} naming the variable — never a
 *   built-in secret.
 */
export async function stageSecret<S extends z.ZodMiniType>(source: StageSecretSource<S>, options: StageSecretOptions = {}): Promise<z.output<S>> {
  if (options.localCloud ?? getConfig().localCloud) return source.local();
  if (source.secretId === undefined) {
    throw new ConfigError(
      `${source.idVariable} is not set: every deployed stage reads ${source.what} from AWS Secrets Manager; built-in sandbox secrets exist only in the local cloud and tests.`,
    );
  }
  return (options.read ?? readJsonSecret)(source.secretId, source.schema);
}

/** Forgets cached secrets. Tests only. */
export function resetSecretsForTests(): void {
  cache.clear();
  client = undefined;
}
