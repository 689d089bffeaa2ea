/**
 * The key of the pseudonymous risk signals (risk-signals.ts: HMAC-SHA256 of email, phone, address,
 * source IP and payment token) — a secret: whoever holds it can test guesses against the hashes
 * every `OrderPlaced` carries. Which source applies is decided as for every other secret of the
 * platform (shared/secrets.ts): by the kernel's local-cloud switch (`LOCAL_CLOUD`, set only by the
 * local cloud and tests, refused on AWS Lambda), never by the stage's name:
 *
 * - **every deployed stage, dev included** (infra sets `RISK_SIGNAL_HMAC_KEY_ID` =
 *   `commerce/<stage>/risk-signals`): the secret `{ "hmacKey": "…" }` from AWS Secrets Manager,
 *   read with the kernel's cached reader (`readJsonSecret`: once per container per 5 minutes);
 *   without the id: refused — a secret never comes from a plain environment variable there.
 * - **the local cloud and tests**: `RISK_SIGNAL_HMAC_KEY` or the built-in non-secret default.
 *
 * Fails closed: when the key cannot be had (no id on a deployed stage, the secret missing, unreadable, not
 * JSON or without a usable `hmacKey`), no order is placed. The caller gets a
 * {@link RiskSignalKeyUnavailableError} (a ConfigError: the HTTP stack answers 500, a server fault,
 * never a client's), and an error is logged naming the secret id and the cause — never a value.
 *
 * Rotating the secret changes every hash from then on: fraud's velocity counters and blocklists
 * keyed on the old hashes stop matching. Rotate deliberately.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { ConfigError } from '../../shared/config.ts';
import { readJsonSecret } from '../../shared/secrets.ts';
import type { LogPort } from './outbox.ts';
import type { CheckoutSettings } from './settings.ts';

/** The secret's content. 32+ characters: a random key, e.g. 32 bytes in base64. */
export const RiskSignalSecretSchema = /* @__PURE__ */ lazily(() => z.object({ hmacKey: z.string().check(z.minLength(32), z.maxLength(512)) }));

/** The risk-signal key cannot be had; orders are not placed (fail closed). Names no value. */
export class RiskSignalKeyUnavailableError extends ConfigError {}

/** Reads a JSON secret by id (the kernel's cached reader by default). */
export type SecretReader = (secretId: string, schema: ReturnType<typeof RiskSignalSecretSchema>) => Promise<z.output<ReturnType<typeof RiskSignalSecretSchema>>>;

/** What the resolver needs. */
export interface RiskSignalKeyDeps {
  readonly settings: Pick<CheckoutSettings, 'riskSignalKey' | 'riskSignalKeyId'>;
  /** The stage (`STAGE`, shared/config.ts), for messages. */
  readonly stage: string;
  /** The kernel's local-cloud switch (`getConfig().localCloud`): the only place a built-in key is acceptable. */
  readonly localCloud: boolean;
  readonly log: LogPort;
  readonly readSecret?: SecretReader;
}

/** A function returning the risk-signal key of this stage (see the module documentation). */
export function riskSignalKeyResolver(deps: RiskSignalKeyDeps): () => Promise<string> {
  const { settings, stage, log } = deps;
  if (deps.localCloud) return async () => settings.riskSignalKey;
  const secretId = settings.riskSignalKeyId;
  if (secretId === undefined) {
    return async () => {
      log.error(
        'risk-signal key unavailable: RISK_SIGNAL_HMAC_KEY_ID is not set; on a deployed stage the key must come from Secrets Manager. Orders cannot be placed (fail closed).',
        { stage },
      );
      throw new RiskSignalKeyUnavailableError(`RISK_SIGNAL_HMAC_KEY_ID must be set in stage ${stage}: the risk-signal key comes from Secrets Manager on every deployed stage.`);
    };
  }
  const read: SecretReader = deps.readSecret ?? ((id, schema) => readJsonSecret(id, schema));
  return async () => {
    try {
      return (await read(secretId, RiskSignalSecretSchema())).hmacKey;
    } catch (error) {
      const cause = error instanceof Error ? error.name : 'unknown';
      // Messages of the SDK and of readJsonSecret name the secret and what is wrong, never its value.
      const detail = error instanceof Error ? error.message.slice(0, 300) : undefined;
      log.error('risk-signal key unavailable: the secret cannot be read or has no usable hmacKey. Orders cannot be placed (fail closed) until it is readable.', {
        secretId,
        cause,
        detail,
      });
      throw new RiskSignalKeyUnavailableError(`risk-signal key unavailable: secret ${secretId} (${cause})`);
    }
  };
}
