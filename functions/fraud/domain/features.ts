/**
 * The features a risk assessment computes for an order (RISK-2) and the catalogue of their names
 * and types: the only identifiers a rule's condition may use (see ./expression.ts). Pure: no I/O.
 *
 * Velocity counts include the order being assessed ("the 4th order of this device in the last hour"
 * is `velocityDevice1h == 4`); windows are bucketed (see ./velocity.ts for the exactness trade-off).
 * Account age is the time since the platform first saw the customer (their first assessed order):
 * Cognito tokens carry no account creation date, and events carry ids only.
 */
import type { OrderType, PaymentMethod } from '../../../events/common.ts';
import { amountStatistics, type CustomerProfile } from './profile.ts';
import { VELOCITY_DIMENSIONS, VELOCITY_WINDOWS, type VelocityCounts, type VelocityDimension, type VelocityWindow } from './velocity.ts';
import type { RiskSignals } from '../../../events/order-placed.ts';

/** The type of a feature value. */
export type FeatureType = 'number' | 'string' | 'boolean';

/** A feature value. */
export type FeatureValue = number | string | boolean;

/** One entry of the feature catalogue. */
export interface FeatureSpec {
  readonly type: FeatureType;
  readonly description: string;
}

/** The feature name of a velocity count: `velocityAddress24h`. */
export const velocityName = (dimension: VelocityDimension, window: VelocityWindow) => `velocity${dimension.charAt(0).toUpperCase()}${dimension.slice(1)}${window}`;

const DIMENSION_LABELS: Record<VelocityDimension, string> = {
  customer: 'this customer',
  email: 'this email address (keyed hash)',
  device: 'this device id',
  ip: 'this IP address (keyed hash)',
  address: 'this shipping address (keyed hash)',
  payment: 'this payment instrument (fingerprint)',
};

const velocityFeatures: Record<string, FeatureSpec> = Object.fromEntries(
  VELOCITY_DIMENSIONS.flatMap((dimension) =>
    VELOCITY_WINDOWS.map((window) => [
      velocityName(dimension, window),
      { type: 'number', description: `Orders from ${DIMENSION_LABELS[dimension]} in the last ${window}, this one included (0 when the order has no such signal)` },
    ]),
  ),
);

/** Every feature a rule may refer to, by name. Frozen, null-prototype: no inherited names. */
export const FEATURE_CATALOG: Readonly<Record<string, FeatureSpec>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, FeatureSpec>, {
    amount: { type: 'number', description: 'Order total in minor units (fen)' },
    amountDue: { type: 'number', description: 'What is charged now in minor units (the deposit of a pre-sale order)' },
    itemCount: { type: 'number', description: 'Units ordered (sum of line quantities)' },
    lineCount: { type: 'number', description: 'Order lines' },
    currency: { type: 'string', description: 'ISO 4217 currency of the order' },
    orderType: { type: 'string', description: 'regular | pre-sale | group-buy' },
    paymentMethod: { type: 'string', description: 'card | wallet | bank_transfer | cod' },
    shippingRegion: { type: 'string', description: 'Shipping region code' },
    billingRegion: { type: 'string', description: 'Billing region code ("" when not given)' },
    regionMismatch: { type: 'boolean', description: 'A billing region was given and differs from the shipping region' },
    couponUsed: { type: 'boolean', description: 'The order used a coupon' },
    emailDomain: { type: 'string', description: 'Domain of the contact email (lower case)' },
    disposableEmail: { type: 'boolean', description: 'The email domain (or a parent domain) is on the disposable-domain list' },
    hasDevice: { type: 'boolean', description: 'The order carried a device id' },
    blocklistedEmail: { type: 'boolean', description: 'The email (keyed hash) is blocklisted' },
    blocklistedPhone: { type: 'boolean', description: 'The phone (keyed hash) is blocklisted' },
    blocklistedAddress: { type: 'boolean', description: 'The shipping address (keyed hash) is blocklisted' },
    addressCorrected: { type: 'boolean', description: 'The customer corrected the shipping address after placing the order (ORD-6; a re-assessment)' },
    blocklistedDevice: { type: 'boolean', description: 'The device id is blocklisted' },
    blocklistedIp: { type: 'boolean', description: 'The IP (keyed hash) is blocklisted' },
    blocklistedPayment: { type: 'boolean', description: 'The payment fingerprint is blocklisted' },
    blocklistedEmailDomain: { type: 'boolean', description: 'The email domain is blocklisted by staff' },
    accountAgeHours: { type: 'number', description: 'Hours since the platform first saw the customer (0 for a first order)' },
    customerOrderCount: { type: 'number', description: 'Past orders of the customer in their amount history (rejected ones excluded)' },
    amountMean: { type: 'number', description: 'Mean amount of the customer’s past orders, minor units (0 without history)' },
    amountStdDev: { type: 'number', description: 'Sample standard deviation of those amounts, minor units' },
    amountZScore: { type: 'number', description: '(amount − mean) / max(std dev, floor); 0 with fewer than 2 past orders' },
    deliveredOrders: { type: 'number', description: 'The customer’s delivered orders (good history)' },
    confirmedFraud: { type: 'number', description: 'The customer’s orders confirmed as fraud (analyst rejections, fraud refunds)' },
    reviewApproved: { type: 'number', description: 'The customer’s orders analysts approved after review' },
    paymentFailures24h: { type: 'number', description: 'The customer’s failed payments in the last 24h' },
    ...velocityFeatures,
  }),
);

/** The name of a catalogued feature. */
export type FeatureName = string;

/** True when `name` is a catalogued feature (own property: `constructor`, `__proto__` are not). */
export function isFeatureName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FEATURE_CATALOG, name);
}

/** The catalogue as a list (for the admin API). */
export function featureList(): Array<{ name: string } & FeatureSpec> {
  return Object.keys(FEATURE_CATALOG)
    .sort()
    .map((name) => ({ name, ...(FEATURE_CATALOG[name] as FeatureSpec) }));
}

/** Computed features: a null-prototype record of catalogued names → values. */
export type RiskFeatures = Readonly<Record<string, FeatureValue>>;

/** The default value of a type (used for features an older stored assessment lacks). */
export function defaultValue(type: FeatureType): FeatureValue {
  return type === 'number' ? 0 : type === 'string' ? '' : false;
}

/**
 * Features as stored → a complete, null-prototype feature record: unknown names dropped, values of
 * the wrong type and missing features replaced by their type's default (a feature added after an
 * assessment was stored reads as 0 / "" / false in a backtest).
 */
export function normaliseFeatures(stored: Readonly<Record<string, unknown>>): RiskFeatures {
  const out = Object.create(null) as Record<string, FeatureValue>;
  for (const [name, spec] of Object.entries(FEATURE_CATALOG)) {
    const value = Object.prototype.hasOwnProperty.call(stored, name) ? stored[name] : undefined;
    out[name] = typeof value === spec.type && (typeof value !== 'number' || Number.isFinite(value)) ? (value as FeatureValue) : defaultValue(spec.type);
  }
  return Object.freeze(out);
}

/** The order facts features are computed from (from `OrderPlaced`). */
export interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderType: OrderType;
  readonly paymentMethod: PaymentMethod;
  readonly total: { readonly amount: number; readonly currency: string };
  readonly amountDue: { readonly amount: number; readonly currency: string };
  readonly lines: ReadonlyArray<{ readonly quantity: number }>;
  readonly couponCode?: string;
  readonly shippingRegion: string;
  readonly billingRegion?: string;
  readonly placedAt: string;
  readonly riskSignals: RiskSignals;
}

/** Which blocklists matched. */
export interface BlocklistHits {
  readonly email: boolean;
  readonly phone: boolean;
  readonly address: boolean;
  readonly device: boolean;
  readonly ip: boolean;
  readonly payment: boolean;
  readonly emailDomain: boolean;
}

/** No blocklist matched. */
export const NO_BLOCKLIST_HITS: BlocklistHits = { email: false, phone: false, address: false, device: false, ip: false, payment: false, emailDomain: false };

/** Everything {@link computeFeatures} needs beyond the order. */
export interface FeatureContext {
  /** The customer's profile before this order (undefined for a customer never seen). */
  readonly profile?: CustomerProfile;
  readonly velocity: VelocityCounts;
  readonly paymentFailures24h: number;
  readonly blocklist: BlocklistHits;
  /** Disposable email domains (lower case). */
  readonly disposableDomains: ReadonlySet<string>;
  /** Floor of the standard deviation in the z-score, percent of the mean (see profile.ts). */
  readonly zScoreMinStdDevPercent: number;
}

/** The email domain normalised: lower case, no trailing dot. */
export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/** True when `domain` or one of its parent domains is in `list` (`x.mailinator.com` matches `mailinator.com`). */
export function isDisposableDomain(domain: string, list: ReadonlySet<string>): boolean {
  const labels = normaliseDomain(domain).split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    if (list.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}

const HOUR_MS = 3_600_000;

/** Computes the features of an order (pure). */
export function computeFeatures(order: OrderFacts, context: FeatureContext): RiskFeatures {
  const placedAt = Date.parse(order.placedAt);
  const firstSeen = context.profile?.firstSeenAt ? Date.parse(context.profile.firstSeenAt) : placedAt;
  const accountAgeHours = Math.max(0, Math.floor(((placedAt - firstSeen) / HOUR_MS) * 100) / 100);
  const stats = amountStatistics(context.profile, order.total.amount, context.zScoreMinStdDevPercent);
  const domain = normaliseDomain(order.riskSignals.emailDomain);
  const values: Record<string, FeatureValue> = {
    amount: order.total.amount,
    amountDue: order.amountDue.amount,
    itemCount: order.lines.reduce((sum, line) => sum + line.quantity, 0),
    lineCount: order.lines.length,
    currency: order.total.currency,
    orderType: order.orderType,
    paymentMethod: order.paymentMethod,
    shippingRegion: order.shippingRegion,
    billingRegion: order.billingRegion ?? '',
    regionMismatch: order.billingRegion !== undefined && order.billingRegion !== order.shippingRegion,
    couponUsed: order.couponCode !== undefined && order.couponCode !== '',
    emailDomain: domain,
    disposableEmail: isDisposableDomain(domain, context.disposableDomains),
    hasDevice: order.riskSignals.deviceId !== undefined && order.riskSignals.deviceId !== '',
    blocklistedEmail: context.blocklist.email,
    blocklistedPhone: context.blocklist.phone,
    blocklistedAddress: context.blocklist.address,
    addressCorrected: false,
    blocklistedDevice: context.blocklist.device,
    blocklistedIp: context.blocklist.ip,
    blocklistedPayment: context.blocklist.payment,
    blocklistedEmailDomain: context.blocklist.emailDomain,
    accountAgeHours,
    customerOrderCount: context.profile?.orderCount ?? 0,
    amountMean: stats.mean,
    amountStdDev: stats.stdDev,
    amountZScore: stats.zScore,
    deliveredOrders: context.profile?.deliveredOrders ?? 0,
    confirmedFraud: context.profile?.confirmedFraud ?? 0,
    reviewApproved: context.profile?.reviewApproved ?? 0,
    paymentFailures24h: context.paymentFailures24h,
  };
  for (const dimension of VELOCITY_DIMENSIONS) {
    for (const window of VELOCITY_WINDOWS) values[velocityName(dimension, window)] = context.velocity[dimension]?.[window] ?? 0;
  }
  return normaliseFeatures(values);
}
