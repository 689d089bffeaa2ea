/**
 * The one configuration module (ARCHITECTURE.md: "Configuration lives in one validated config
 * module"). Infrastructure names come from the environment the CDK stack sets; business settings
 * have the defaults REQUIREMENTS.md gives and can be overridden by environment variables.
 *
 * The environment is parsed once per container and cached. Infrastructure names are optional at
 * parse time (not every function needs every table); a function asks for the ones it needs with
 * {@link requireSetting}, which fails with a {@link ConfigError} naming the missing variable.
 *
 * Two settings decide how much a container may trust its surroundings, and both fail closed:
 * - `STAGE` is never defaulted: a Lambda handler without it refuses to start ({@link requireStage}
 *   runs when the handler is built, at cold start: a ConfigError), and reading `stage` without it
 *   throws — no behaviour is ever chosen because a variable is missing. (Code that is not a
 *   function — the CDK app reading route contracts, scripts — may parse the rest without a stage.)
 * - `LOCAL_CLOUD=true` ({@link LOCAL_CLOUD_SWITCH}) is the one signal that the code runs in the
 *   local cloud (`infra/local/`, which injects it into every function it runs) or in the tests
 *   (vitest sets it). Only there do built-in sandbox secrets exist (shared/secrets.ts
 *   `stageSecret`); every deployed stage, dev included, reads its secrets from Secrets Manager.
 *   The CDK app never sets it (tests/infra asserts so), and on AWS Lambda it is refused outright:
 *   Lambda's reserved `AWS_LAMBDA_RUNTIME_API` / `AWS_EXECUTION_ENV`, which a template cannot set,
 *   identify a real Lambda environment, where the switch is a ConfigError.
 */
import * as z from './zod.ts';
import { lazily } from './lazily.ts';

/** A configuration problem: a missing or invalid environment variable. Never contains values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The environment variable only the local cloud and the tests set (`LOCAL_CLOUD=true`); see the module documentation. */
export const LOCAL_CLOUD_SWITCH = 'LOCAL_CLOUD';

/** Infrastructure settings and the environment variable each comes from. */
export const INFRA_ENV = {
  catalogTableName: 'CATALOG_TABLE_NAME',
  idempotencyTableName: 'IDEMPOTENCY_TABLE_NAME',
  complianceTableName: 'COMPLIANCE_TABLE_NAME',
  ordersTableName: 'ORDERS_TABLE_NAME',
  paymentsTableName: 'PAYMENTS_TABLE_NAME',
  riskTableName: 'RISK_TABLE_NAME',
  fulfillmentTableName: 'FULFILLMENT_TABLE_NAME',
  ticketsTableName: 'TICKETS_TABLE_NAME',
  returnsTableName: 'RETURNS_TABLE_NAME',
  suppliersTableName: 'SUPPLIERS_TABLE_NAME',
  auditTableName: 'AUDIT_TABLE_NAME',
  privacyTableName: 'PRIVACY_TABLE_NAME',
  analyticsTableName: 'ANALYTICS_TABLE_NAME',
  /** The customer keyring (SEC-3 crypto-shredding, shared/customer-keys.ts): no PITR, no backups. */
  customerKeyTableName: 'CUSTOMER_KEY_TABLE_NAME',
  /** The KMS HMAC key (HMAC_256) the audit chain is MACed with (SEC-4). */
  auditMacKeyId: 'AUDIT_MAC_KEY_ID',
  /** The S3 bucket (Object Lock) the audit chain's head is anchored in (SEC-4). */
  auditAnchorBucket: 'AUDIT_ANCHOR_BUCKET',
  /** The compliance scan a scan function runs (CMP-1; its id in functions/compliance/scans/index.ts). */
  complianceScan: 'COMPLIANCE_SCAN',
  /** The S3 bucket the yearly compliance reports are stored in (CMP-2). */
  complianceReportBucket: 'COMPLIANCE_REPORT_BUCKET',
  eventBusName: 'EVENT_BUS_NAME',
  /** The staff user pool's issuer URL: the only issuer whose tokens carry staff roles (SEC-1, shared/auth.ts). */
  staffPoolIssuer: 'STAFF_POOL_ISSUER',
  fieldEncryptionKeyId: 'FIELD_ENCRYPTION_KEY_ID',
  /** The event sources this function's PutEvents grant names (comma-separated; set with EVENT_BUS_NAME by the stack). */
  eventSources: 'EVENT_SOURCES',
  /** The entity kinds this function's field-key grant names (comma-separated; set with FIELD_ENCRYPTION_KEY_ID by the stack). */
  fieldEncryptionEntities: 'FIELD_ENCRYPTION_ENTITIES',
} as const;

/** The name of an infrastructure setting, e.g. `catalogTableName`. */
export type InfraSetting = keyof typeof INFRA_ENV;

/**
 * Banned advertising terms (CMP-1; China's Advertising Law art. 9: absolute and superlative claims).
 * Overridable with `BANNED_ADVERTISING_TERMS` (a JSON array, or a comma-separated list).
 */
export const DEFAULT_BANNED_ADVERTISING_TERMS: readonly string[] = [
  '最有效',
  '国家级',
  '最高级',
  '最佳',
  '第一',
  '顶级',
  '极品',
  '首选',
  '最先进',
  '最便宜',
  '全网最低',
  '独一无二',
  '绝无仅有',
  '万能',
  '100%有效',
];

const int = (min: number, max: number) => z.coerce.number().check(z.int(), z.gte(min), z.lte(max));

/**
 * The kernel's environment variables are checked by the small rules below rather than a zod schema:
 * every function parses them at cold start, and building and first running a 40-field zod schema
 * cost each cold start ≈ 10 ms (docs/performance.md). Capability settings ({@link defineSettings})
 * keep zod; they are built when first read. A rule takes the variable's value (undefined when unset
 * or empty) and returns the setting or a problem, which never contains the value.
 */
type EnvRule<T> = (value: string | undefined) => Checked<T>;

/** A set variable's value checked: the setting, or a problem (never containing the value). */
type Checked<T> = { readonly ok: T } | { readonly problem: string };
type Check<T> = (value: string) => Checked<T>;

const ok = <T>(value: T): Checked<T> => ({ ok: value });
const optional =
  <T>(check: Check<T>): EnvRule<T | undefined> =>
  (value) =>
    value === undefined ? ok(undefined) : check(value);
const orDefault =
  <T>(check: Check<T>, fallback: T): EnvRule<T> =>
  (value) =>
    value === undefined ? ok(fallback) : check(value);

/** Trimmed, not blank, at most `max` characters (and matching `pattern`). */
const trimmedText =
  (max = Number.POSITIVE_INFINITY, pattern?: RegExp): Check<string> =>
  (value) => {
    const trimmed = value.trim();
    if (trimmed.length < 1 || trimmed.length > max) return { problem: Number.isFinite(max) ? `must be 1–${max} characters` : 'must not be blank' };
    return pattern && !pattern.test(trimmed) ? { problem: `must match ${pattern.source}` } : ok(trimmed);
  };

/** Matching `pattern` as written (not trimmed). */
const matching =
  (pattern: RegExp): Check<string> =>
  (value) =>
    pattern.test(value) ? ok(value) : { problem: `must match ${pattern.source}` };

const oneOf =
  <const V extends string>(values: readonly V[]): Check<V> =>
  (value) =>
    (values as readonly string[]).includes(value) ? ok(value as V) : { problem: `must be one of ${values.join(', ')}` };

/** An integer within [min, max], read as `Number` reads it (as zod's coercion did). */
const integer =
  (min: number, max: number): Check<number> =>
  (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) return { problem: 'must be an integer' };
    return n < min || n > max ? { problem: `must be between ${min} and ${max}` } : ok(n);
  };

/** A JSON array of strings, or a comma-separated list; entries trimmed, empty ones dropped. */
const termList: Check<string[]> = (value) => {
  const trimmed = value.trim();
  const terms = trimmed.startsWith('[') ? jsonStrings(trimmed) : trimmed.split(',');
  if (!terms) return { problem: 'must be a JSON array of strings or a comma-separated list' };
  return ok(terms.map((t) => t.trim()).filter((t) => t.length > 0));
};

function jsonStrings(json: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((t) => typeof t === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const optionalName = optional(trimmedText(256));

const ENV_RULES = {
  STAGE: optional(trimmedText(32, /^[a-z0-9-]{1,32}$/)),
  LOCAL_CLOUD: optional(oneOf(['true', 'false'])),
  CATALOG_TABLE_NAME: optionalName,
  IDEMPOTENCY_TABLE_NAME: optionalName,
  COMPLIANCE_TABLE_NAME: optionalName,
  ORDERS_TABLE_NAME: optionalName,
  PAYMENTS_TABLE_NAME: optionalName,
  RISK_TABLE_NAME: optionalName,
  FULFILLMENT_TABLE_NAME: optionalName,
  TICKETS_TABLE_NAME: optionalName,
  RETURNS_TABLE_NAME: optionalName,
  SUPPLIERS_TABLE_NAME: optionalName,
  AUDIT_TABLE_NAME: optionalName,
  PRIVACY_TABLE_NAME: optionalName,
  ANALYTICS_TABLE_NAME: optionalName,
  CUSTOMER_KEY_TABLE_NAME: optionalName,
  AUDIT_MAC_KEY_ID: optionalName,
  AUDIT_ANCHOR_BUCKET: optionalName,
  COMPLIANCE_SCAN: optionalName,
  COMPLIANCE_REPORT_BUCKET: optionalName,
  EVENT_BUS_NAME: optionalName,
  STAFF_POOL_ISSUER: optionalName,
  FIELD_ENCRYPTION_KEY_ID: optionalName,
  EVENT_SOURCES: optionalName,
  FIELD_ENCRYPTION_ENTITIES: optionalName,
  DEFAULT_CURRENCY: orDefault(matching(/^[A-Z]{3}$/), 'CNY'),
  PAYMENT_WINDOW_MINUTES: orDefault(integer(1, 24 * 60), 30),
  REFUND_APPROVAL_THRESHOLD_MINOR: orDefault(integer(0, Number.MAX_SAFE_INTEGER), 100_000),
  REFUND_STAFF_DAILY_CAP_MINOR: orDefault(integer(0, Number.MAX_SAFE_INTEGER), 500_000),
  RISK_REVIEW_THRESHOLD: orDefault(integer(0, 100), 40),
  RISK_REJECT_THRESHOLD: orDefault(integer(0, 100), 75),
  PAGINATION_DEFAULT_LIMIT: orDefault(integer(1, 1000), 20),
  PAGINATION_MAX_LIMIT: orDefault(integer(1, 1000), 100),
  IDEMPOTENCY_KEY_TTL_HOURS: orDefault(integer(24, 24 * 30), 24),
  /** CMP-2 / SEC-3: days after an order's completion its personal data is shredded (3 years by default). */
  PERSONAL_DATA_RETENTION_DAYS: orDefault(integer(1, 36_500), 1095),
  BANNED_ADVERTISING_TERMS: optional(termList),
  /** Phrases that contain a banned term without making a claim, e.g. 第一次 (CMP-1). */
  ALLOWED_ADVERTISING_PHRASES: optional(termList),
  CORS_ALLOW_ORIGIN: orDefault(trimmedText(), '*'),
} as const;

type Env = { readonly [K in keyof typeof ENV_RULES]: (typeof ENV_RULES)[K] extends EnvRule<infer T> ? T : never };

/** Applies {@link ENV_RULES} (empty strings count as unset), then the rules across variables; the problems name variables, never values. */
function readEnv(env: Record<string, string | undefined>): { env: Env; problems: string[] } {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(ENV_RULES) as Array<[string, EnvRule<unknown>]>) {
    const result = rule(env[name] === '' ? undefined : env[name]);
    if ('problem' in result) problems.push(`${name}: ${result.problem}`);
    else parsed[name] = result.ok;
  }
  const e = parsed as Env;
  // Checked whenever both values are valid, so one message names every problem.
  if (e.RISK_REVIEW_THRESHOLD >= e.RISK_REJECT_THRESHOLD) problems.push('RISK_REVIEW_THRESHOLD: must be lower than RISK_REJECT_THRESHOLD');
  if (e.PAGINATION_DEFAULT_LIMIT > e.PAGINATION_MAX_LIMIT) problems.push('PAGINATION_DEFAULT_LIMIT: must not exceed PAGINATION_MAX_LIMIT');
  return { env: e, problems };
}

/** The validated configuration of this container. */
export interface AppConfig {
  /** The deployment stage (`STAGE`). Never defaulted: reading it when `STAGE` is not set throws a {@link ConfigError}. */
  readonly stage: string;
  /**
   * True only in the local cloud and the tests (`LOCAL_CLOUD=true`, never on AWS Lambda): the one
   * place where built-in sandbox secrets may be used instead of Secrets Manager.
   */
  readonly localCloud: boolean;
  /** Infrastructure names; read them with {@link requireSetting}. */
  readonly infra: { readonly [K in InfraSetting]: string | undefined };
  /** ORD-2: the store currency (ISO 4217). */
  readonly currency: string;
  /** ORD-4: how long an order may stay unpaid before its reservation is released. */
  readonly paymentWindowMinutes: number;
  /** RISK-7: refunds at or above this amount (minor units) wait for a second approver. */
  readonly refundApprovalThresholdMinor: number;
  /** RISK-7: what one staff member may refund in a day without a second approver (minor units). */
  readonly refundStaffDailyCapMinor: number;
  /** RISK-1: score ≥ review → manual review; score ≥ reject → reject. */
  readonly risk: { readonly reviewThreshold: number; readonly rejectThreshold: number };
  /** API.md: `?limit=` default and maximum. */
  readonly pagination: { readonly defaultLimit: number; readonly maxLimit: number };
  /** ORD-7 / API.md: idempotency keys are kept at least this long. */
  readonly idempotency: { readonly keyTtlHours: number };
  /**
   * CMP-2 / SEC-3: an order's personal data is shredded `personalDataRetentionDays` after the order
   * completed (its first delivery, or its cancellation if never delivered). Default 1095 (3 years).
   */
  readonly retention: { readonly personalDataRetentionDays: number };
  /** CMP-1: terms a product listing must not contain. */
  readonly compliance: { readonly bannedAdvertisingTerms: readonly string[]; readonly allowedAdvertisingPhrases?: readonly string[] };
  /** `Access-Control-Allow-Origin` for API responses. */
  readonly http: { readonly corsAllowOrigin: string };
}

let cached: AppConfig | undefined;

/**
 * True on AWS Lambda: its runtime sets the reserved `AWS_LAMBDA_RUNTIME_API` (and, for managed
 * runtimes, `AWS_EXECUTION_ENV=AWS_Lambda_…`), which a function's configuration cannot set. The
 * local cloud sets `AWS_LAMBDA_RUNTIME_API` to an empty string and no `AWS_EXECUTION_ENV`.
 */
function runsOnAwsLambda(env: Record<string, string | undefined>): boolean {
  return Boolean(env.AWS_LAMBDA_RUNTIME_API) || (env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_');
}

/** Parses an environment (default: `process.env`) into an {@link AppConfig}, or throws {@link ConfigError}. */
export function parseConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings count as "not set", as CloudFormation and shells often produce them.
  const { env: e, problems } = readEnv(env);
  // Name the variables and the rule, never the values (they may be secrets).
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  const localCloud = e.LOCAL_CLOUD === 'true';
  if (localCloud && runsOnAwsLambda(env)) {
    throw new ConfigError(
      `Invalid configuration: ${LOCAL_CLOUD_SWITCH} is set on AWS Lambda; the local-cloud switch (built-in sandbox secrets) exists only in the local cloud and tests.`,
    );
  }
  const stage = e.STAGE;
  const config: Omit<AppConfig, 'stage'> = {
    localCloud,
    infra: {
      catalogTableName: e.CATALOG_TABLE_NAME,
      idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
      complianceTableName: e.COMPLIANCE_TABLE_NAME,
      ordersTableName: e.ORDERS_TABLE_NAME,
      paymentsTableName: e.PAYMENTS_TABLE_NAME,
      riskTableName: e.RISK_TABLE_NAME,
      fulfillmentTableName: e.FULFILLMENT_TABLE_NAME,
      ticketsTableName: e.TICKETS_TABLE_NAME,
      returnsTableName: e.RETURNS_TABLE_NAME,
      suppliersTableName: e.SUPPLIERS_TABLE_NAME,
      auditTableName: e.AUDIT_TABLE_NAME,
      privacyTableName: e.PRIVACY_TABLE_NAME,
      analyticsTableName: e.ANALYTICS_TABLE_NAME,
      customerKeyTableName: e.CUSTOMER_KEY_TABLE_NAME,
      auditMacKeyId: e.AUDIT_MAC_KEY_ID,
      auditAnchorBucket: e.AUDIT_ANCHOR_BUCKET,
      complianceScan: e.COMPLIANCE_SCAN,
      complianceReportBucket: e.COMPLIANCE_REPORT_BUCKET,
      eventBusName: e.EVENT_BUS_NAME,
      staffPoolIssuer: e.STAFF_POOL_ISSUER,
      fieldEncryptionKeyId: e.FIELD_ENCRYPTION_KEY_ID,
      eventSources: e.EVENT_SOURCES,
      fieldEncryptionEntities: e.FIELD_ENCRYPTION_ENTITIES,
    },
    currency: e.DEFAULT_CURRENCY,
    paymentWindowMinutes: e.PAYMENT_WINDOW_MINUTES,
    refundApprovalThresholdMinor: e.REFUND_APPROVAL_THRESHOLD_MINOR,
    refundStaffDailyCapMinor: e.REFUND_STAFF_DAILY_CAP_MINOR,
    risk: { reviewThreshold: e.RISK_REVIEW_THRESHOLD, rejectThreshold: e.RISK_REJECT_THRESHOLD },
    pagination: { defaultLimit: e.PAGINATION_DEFAULT_LIMIT, maxLimit: e.PAGINATION_MAX_LIMIT },
    idempotency: { keyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS },
    retention: { personalDataRetentionDays: e.PERSONAL_DATA_RETENTION_DAYS },
    compliance: {
      bannedAdvertisingTerms: Object.freeze([...(e.BANNED_ADVERTISING_TERMS ?? DEFAULT_BANNED_ADVERTISING_TERMS)]),
      ...(e.ALLOWED_ADVERTISING_PHRASES ? { allowedAdvertisingPhrases: Object.freeze([...e.ALLOWED_ADVERTISING_PHRASES]) } : {}),
    },
    http: { corsAllowOrigin: e.CORS_ALLOW_ORIGIN },
  };
  // Read lazily: a missing STAGE fails whoever asks for the stage, never silently becomes dev.
  return Object.defineProperty(config, 'stage', {
    enumerable: true,
    get(): string {
      if (stage === undefined) throw missingStage();
      return stage;
    },
  }) as AppConfig;
}

function missingStage(): ConfigError {
  return new ConfigError('Invalid configuration: STAGE is not set: every function needs its stage (the CDK stack sets it); refusing to start rather than assume dev.');
}

/**
 * The stage of this container; throws a {@link ConfigError} when `STAGE` is not set. The Lambda
 * handler wrappers call it when they are built, so a function without a stage fails at cold start.
 */
export function requireStage(): string {
  return getConfig().stage;
}

/** The configuration of this container: parsed from `process.env` on first use, then cached. */
export function getConfig(): AppConfig {
  cached ??= parseConfig();
  return cached;
}

/**
 * An infrastructure name this function needs, e.g. `requireSetting('catalogTableName')`.
 * Throws a {@link ConfigError} naming the environment variable when it was not set.
 */
export function requireSetting(name: InfraSetting): string {
  const value = getConfig().infra[name];
  if (value === undefined) {
    throw new ConfigError(`${INFRA_ENV[name]} is not set: this function needs it (${name}).`);
  }
  return value;
}

/** Forgets the cached configuration so the next {@link getConfig} re-reads `process.env`. Tests only. */
export function resetConfigForTests(): void {
  cached = undefined;
}

/**
 * Declares a capability's business settings (thresholds, windows, limits) in the same validated
 * way as the kernel's: `shape` returns the map of environment variables to zod schemas with the handbook
 * defaults, `build` turns the parsed values into the settings object the capability's use cases
 * receive as an argument. Parsed on first use and cached per container; an invalid value throws a
 * {@link ConfigError} naming the variable (never the value).
 *
 * Declare it annotated pure (`@__PURE__` in a block comment before the call, as every definition
 * at module level is: tests/unit/shared/pure-definitions.test.ts), so a bundle that does not read
 * it drops it.
 *
 * @example
 * export const checkoutSettings = defineSettings('checkout', () => ({ FREE_SHIPPING_THRESHOLD_MINOR: z._default(intSetting(0, 10_000_000), 9900) }), (e) => ({ freeShippingThreshold: e.FREE_SHIPPING_THRESHOLD_MINOR }));
 * const { freeShippingThreshold } = checkoutSettings();
 */
export function defineSettings<Shape extends z.core.$ZodShape, T>(
  name: string,
  shape: () => Shape,
  build: (env: z.output<z.ZodMiniObject<Shape>>) => T,
): ((env?: Record<string, string | undefined>) => T) & { reset(): void } {
  // Built on first read: a bundle imports the settings of capabilities whose contracts it uses
  // (payments' limits in checkout, …) without reading them, and every zod schema built at import
  // lengthens a cold start (docs/performance.md).
  const schemaOf = lazily(() => z.object(shape()));
  let cachedSettings: T | undefined;
  const parse = (env: Record<string, string | undefined>): T => {
    const schema = schemaOf();
    const input = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]));
    const result = schema.safeParse(input);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
      throw new ConfigError(`Invalid ${name} configuration: ${problems.join('; ')}`);
    }
    return build(result.data);
  };
  const get = (env?: Record<string, string | undefined>): T => {
    if (env) return parse(env);
    cachedSettings ??= parse(process.env);
    return cachedSettings;
  };
  return Object.assign(get, { reset: () => (cachedSettings = undefined) });
}

/** An integer setting within [min, max], from an environment string. */
export const intSetting = (min: number, max: number) => int(min, max);

/** A JSON setting (e.g. a table of values) validated by `schema`. */
export function jsonSetting<S extends z.ZodMiniType>(schema: S) {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be valid JSON', input: value });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );
}
