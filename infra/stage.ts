/**
 * Deployment stages (`-c stage=dev|prod`). Everything that differs between stages lives here;
 * the rest of the app reads a {@link StageSettings}.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The stages the app knows. */
export const STAGES = ['dev', 'prod'] as const;

/** A stage name. */
export type StageName = (typeof STAGES)[number];

/** What a stage decides. */
export interface StageSettings {
  readonly name: StageName;
  /** Tables, keys and user pools: DESTROY in dev (throw-away), RETAIN elsewhere. */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection and Cognito deletion protection. */
  readonly deletionProtection: boolean;
  /** CloudWatch Logs retention for functions and API access logs. */
  readonly logRetention: RetentionDays;
  /** API Gateway stage throttling (requests per second, burst). */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of the event archive, in days. */
  readonly eventArchiveDays: number;
  /** The payment provider adapter the payments functions use. */
  readonly paymentProvider: 'sandbox' | 'stripe';
  /**
   * The carrier adapter allocation books with (FUL-3): the sandbox (dev: deterministic waybills, a
   * tracking feed driven by ops) or Kuaidi100 (a real aggregator: SF, ZTO, EMS, …). Prod never
   * books the sandbox.
   */
  readonly carrierProvider: 'sandbox' | 'kuaidi100';
  /**
   * How notifications go out (ORD-6, AFT-1, AFT-2): `aws` — email through Amazon SES, SMS through
   * Amazon SNS — or the `sandbox`, which records what it would send (dev; the local cloud runs dev).
   */
  readonly notificationProvider: 'sandbox' | 'aws';
  /**
   * With `aws`: the From address of notification emails and the SES identity (domain or address,
   * verified in the account's SES) it belongs to; the sender may send through that identity only.
   */
  readonly notificationSender?: { readonly email: string; readonly identity: string };
  /**
   * Keep the orders table's `byCustomer` index (every attribute) beside `byCustomerSummary`, which
   * replaces it: CloudFormation adds or removes one index per deployment, so a stack deployed before
   * December 2026 upgrades in two steps — first with the context `keepLegacyOrdersIndex=true` (adds
   * the new index), then without (removes the old one). Nothing reads the old index.
   */
  readonly keepLegacyOrdersIndex?: boolean;
  /** Allowed CORS origin of the storefront. */
  readonly corsAllowOrigin: string;
  /**
   * A WAF web ACL in front of the API (SEC-5): AWS managed common rules and known bad inputs, and a
   * per-IP rate-based rule blocking a source above `requestsPerIpPer5Minutes`. Absent = no WAF (a
   * web ACL costs a monthly fee plus a per-request charge).
   */
  readonly webAcl?: { readonly requestsPerIpPer5Minutes: number };
  /**
   * Reserved concurrency of every function anyone can reach — public routes and the routes open to
   * customers, who sign themselves up (SEC-5, denial of wallet): a flood cannot scale them past this,
   * nor starve the staff and event-driven functions of the account's concurrency. Absent = none
   * (new AWS accounts start with a concurrency quota of 10, where any reservation fails the deploy).
   */
  readonly publicReservedConcurrency?: number;
  /** How long each anchor of the audit chain's head stays locked (S3 Object Lock, compliance mode), in days. */
  readonly auditAnchorRetentionDays: number;
}

const SETTINGS: Record<StageName, Omit<StageSettings, 'name'>> = {
  dev: {
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_WEEK,
    throttling: { rateLimit: 500, burstLimit: 1000 },
    eventArchiveDays: 7,
    paymentProvider: 'sandbox',
    carrierProvider: 'sandbox',
    notificationProvider: 'sandbox',
    corsAllowOrigin: '*',
    auditAnchorRetentionDays: 1,
  },
  prod: {
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    throttling: { rateLimit: 1000, burstLimit: 2000 },
    eventArchiveDays: 365,
    paymentProvider: 'stripe',
    carrierProvider: 'kuaidi100',
    notificationProvider: 'aws',
    notificationSender: { email: 'no-reply@shop.example.com', identity: 'shop.example.com' },
    corsAllowOrigin: 'https://shop.example.com',
    webAcl: { requestsPerIpPer5Minutes: 2000 },
    // 12 such functions × 40 = 480 of the default regional quota of 1 000, leaving the rest unreserved.
    publicReservedConcurrency: 40,
    // Longer than the audit trail must be kept (CMP-1: staff actions, one year) plus a margin.
    auditAnchorRetentionDays: 400,
  },
};

/** The settings of `stage`; throws for an unknown stage with the list of known ones. */
export function stageSettings(stage: string): StageSettings {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new Error(`Unknown stage '${stage}': use -c stage=${STAGES.join('|')}`);
  }
  return { name: stage as StageName, ...SETTINGS[stage as StageName] };
}
