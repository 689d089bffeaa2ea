/**
 * Promotions, coupons and customer profiles in the OrdersTable (single-table design, see
 * orders-repository.ts for the order items):
 *
 * | item                   | pk                   | sk                     | attributes |
 * |------------------------|----------------------|------------------------|------------|
 * | promotion              | `PROMOTIONS`         | `PROMO#<promotionId>`  | `promotion` (flash price, spend threshold, member offer, group price); index `byEnd` (active ones only): gsi3pk `PROMOTIONS`, gsi3sk `<endsAt or 9999…>#<promotionId>`; `active`, `updatedBy`, `updatedAt` |
 * | coupon                 | `COUPON#<CODE>`      | `COUPON`               | `coupon` (definition), `used`, `totalLimit`, `active`; index `byEnd`: gsi3pk `COUPONS`, gsi3sk `<validUntil>#<code>` |
 * | coupon use by customer | `COUPON#<CODE>`      | `CUSTOMER#<customerId>`| `used` |
 * | customer profile       | `CUSTOMER#<id>`      | `PROFILE`              | `tier` (domain/membership.ts), `member`, `memberSince`, `updatedBy`, `updatedAt` (a profile with only `member: true` counts as the lowest tier) |
 * | coupon issued to       | `CUSTOMER#<id>`      | `ISSUED#<CODE>`        | `issuedAt`, `issuedBy` (the customer's coupon wallet; the usage item above carries `issued: true`) |
 * | seed marker            | `SEED#<name>`        | `SEED`                 | |
 *
 * Usage counters change only inside the order transaction (orders-repository.ts), conditional on
 * the limits, so a coupon is counted exactly once per order and never beyond its limits.
 *
 * Membership is data (API.md's roles are fixed): a customer is a member when their profile says so.
 *
 * Quotes and orders read promotions through the `byEnd` index, keyed by when each ends:
 * one query for `gsi3sk >= now` returns only those not yet over (and a filter drops those not yet
 * begun), so ended promotions — which pile up over the years — are never read again (SEC-5: the
 * cost of a quote must not grow with the merchant's history).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { requireSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import { batchGet, cancellationReasons, decodeCursor, documentClient, encodeCursor, isConditionalCheckFailed, putIfAbsent, queryAll } from '../../shared/dynamodb.ts';
import type { Page } from '../../shared/http/pagination.ts';
import { MEMBER_TIERS } from './domain/membership.ts';
import type { Coupon, CouponUsage, Promotion } from './domain/pricing.ts';
import { CouponTotalBelowUsageError } from './domain/order-store-errors.ts';

const MoneySchema = /* @__PURE__ */ lazily(() =>
  z.object({ amount: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)), currency: z.string().check(z.regex(/^[A-Z]{3}$/)) }),
);
const When = /* @__PURE__ */ lazily(() => z.iso.datetime());
const Window = /* @__PURE__ */ lazily(() => ({ startsAt: z.optional(When()), endsAt: z.optional(When()) }));
const Categories = /* @__PURE__ */ lazily(() => z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(50))));
const Title = /* @__PURE__ */ lazily(() => z.string().check(z.minLength(1), z.maxLength(120)));
const PromotionId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)));

/** A stored promotion. */
export const PromotionSchema = /* @__PURE__ */ lazily(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('flash-price'),
      promotionId: PromotionId(),
      title: Title(),
      sku: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)),
      price: MoneySchema(),
      membersOnly: z.optional(z.boolean()),
      perCustomerLimit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))),
      ...Window(),
    }),
    z.object({
      kind: z.literal('spend-threshold'),
      promotionId: PromotionId(),
      title: Title(),
      threshold: MoneySchema(),
      amountOff: MoneySchema(),
      membersOnly: z.optional(z.boolean()),
      categories: Categories(),
      ...Window(),
    }),
    z.object({
      kind: z.literal('member-discount'),
      promotionId: PromotionId(),
      title: Title(),
      percentBasisPoints: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
      maxDiscount: z.optional(MoneySchema()),
      categories: Categories(),
      tiers: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(10))),
      ...Window(),
    }),
    z.object({
      kind: z.literal('group-buy'),
      promotionId: PromotionId(),
      title: Title(),
      sku: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)),
      price: MoneySchema(),
      groupSize: z.number().check(z.int(), z.gte(2), z.lte(10)),
      windowMinutes: z.optional(z.number().check(z.int(), z.gte(1), z.lte(43_200))),
      ...Window(),
    }),
  ]),
);

/** Coupon codes: 3–40 upper-case letters, digits and `-`. */
export const CouponCodeSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')));

/** A stored coupon definition. */
export const CouponSchema = /* @__PURE__ */ lazily(() =>
  z
    .object({
      code: CouponCodeSchema(),
      title: Title(),
      kind: z.enum(['percentage', 'fixed']),
      percentBasisPoints: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10_000))),
      amountOff: z.optional(MoneySchema()),
      maxDiscount: z.optional(MoneySchema()),
      minSpend: MoneySchema(),
      validFrom: When(),
      validUntil: When(),
      perCustomerLimit: z.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
      totalLimit: z.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)),
      membersOnly: z.optional(z.boolean()),
      categories: Categories(),
      issuedOnly: z.optional(z.boolean()),
    })
    .check(
      z.refine(
        (c) => (c.kind === 'percentage' ? c.percentBasisPoints !== undefined : c.amountOff !== undefined),
        'percentage coupons need percentBasisPoints, fixed ones amountOff',
      ),
    ),
);

/** What pricing needs to know about a customer and their coupon. */
export interface PricingContext {
  readonly member: boolean;
  /** The member's tier, when the profile names one. */
  readonly memberTier?: string;
  /** `undefined` when no code was given; `null` for an unknown code. */
  readonly coupon?: { readonly definition: Coupon; readonly usage: CouponUsage } | null;
}

/** The port the pricing use cases read through. */
export interface PromotionStore {
  /**
   * Every stored promotion (pricing filters by time and eligibility). `maxAgeMs`: what this container
   * read within that will do (a flash sale's orders, price-basket.ts); otherwise as the store caches.
   */
  promotions(options?: { readonly maxAgeMs?: number }): Promise<Promotion[]>;
  /** Membership, and the coupon with its usage when a code is given. */
  pricingContext(customerId: string, couponCode?: string): Promise<PricingContext>;
}

/** A promotion as stored: its definition, whether it is on, and who changed it last. */
export interface StoredPromotion {
  readonly promotion: Promotion;
  readonly active: boolean;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** A coupon as stored, with its usage. */
export interface StoredCoupon {
  readonly coupon: Coupon;
  readonly active: boolean;
  /** Times used so far (all customers). */
  readonly used: number;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** A customer's membership as stored. */
export interface Membership {
  readonly customerId: string;
  readonly tier: string | null;
  readonly memberSince?: string;
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** Writes of staff tools and demo data (the seeders write through the same methods). */
export interface PromotionAdmin {
  /** Creates the promotion if absent (seeders). */
  putPromotion(promotion: Promotion): Promise<boolean>;
  /** Creates the coupon if absent (seeders). */
  putCoupon(coupon: Coupon): Promise<boolean>;
  getPromotion(promotionId: string): Promise<StoredPromotion | undefined>;
  /** Creates or replaces a promotion; an inactive one leaves the index quotes read. */
  savePromotion(stored: StoredPromotion): Promise<void>;
  listPromotions(page: { limit: number; cursor?: string }): Promise<Page<StoredPromotion>>;
  getCoupon(code: string): Promise<StoredCoupon | undefined>;
  /** Creates or replaces a coupon's definition, keeping its usage; a total limit below the usage → {@link CouponTotalBelowUsageError}. */
  saveCoupon(stored: Omit<StoredCoupon, 'used'>): Promise<StoredCoupon>;
  listCoupons(page: { limit: number; cursor?: string }): Promise<Page<StoredCoupon>>;
  /** A customer's membership (no profile: not a member). */
  getMembership(customerId: string): Promise<Membership>;
  /** Sets a customer's tier (null: not a member), keeping `memberSince` while they stay a member. */
  saveMembership(customerId: string, change: { tier: string | null; at: string; by: string }): Promise<Membership>;
  /** Issues a coupon to customers (idempotent: issuing again changes nothing); the coupon's usage item carries `issued`. */
  issueCoupon(code: string, customerIds: readonly string[], at: string, by: string): Promise<number>;
  /** The coupons issued to a customer, with their definitions and the customer's use of each. */
  issuedCoupons(customerId: string): Promise<Array<{ coupon: Coupon; active: boolean; usedByCustomer: number; issuedAt: string }>>;
  hasSeedMarker(name: string): Promise<boolean>;
  putSeedMarker(name: string, at: Date): Promise<void>;
}

/** Keys of the coupon items (shared with the order transaction). */
export const couponKeys = {
  definition: (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' }),
  customer: (code: string, customerId: string) => ({ pk: `COUPON#${code}`, sk: `CUSTOMER#${customerId}` }),
};

const profileKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' });

/**
 * The index of promotions and coupons by when they end (the infra construct creates it): quotes
 * read the promotions not yet over through it, the coupon list reads every coupon.
 */
export const PROMOTION_INDEX = 'byEnd';
/** Promotions without an end sort after every real date. */
const OPEN_ENDED = '9999-12-31T23:59:59.999Z';

const promotionKey = (promotionId: string) => ({ pk: 'PROMOTIONS', sk: `PROMO#${promotionId}` });
const PromotionCursor = /* @__PURE__ */ lazily(() => z.strictObject({ pk: z.literal('PROMOTIONS'), sk: z.string().check(z.regex(/^PROMO#[A-Za-z0-9-]{1,64}$/)) }));
const CouponCursor = /* @__PURE__ */ lazily(() =>
  z.strictObject({ pk: z.string().check(z.regex(/^COUPON#[A-Z0-9-]{3,40}$/)), sk: z.literal('COUPON'), gsi3pk: z.literal('COUPONS'), gsi3sk: z.string().check(z.maxLength(100)) }),
);

/** The item of a promotion: in the quotes' index only while active. */
function promotionItem(stored: StoredPromotion): Record<string, unknown> {
  const promotion = PromotionSchema().parse(stored.promotion);
  return {
    ...promotionKey(promotion.promotionId),
    type: 'Promotion',
    promotion,
    active: stored.active,
    ...(stored.updatedBy ? { updatedBy: stored.updatedBy } : {}),
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
    ...(stored.active ? promotionIndexKeys(promotion) : {}),
  };
}

function storedPromotionOf(item: Record<string, unknown>): StoredPromotion | undefined {
  const parsed = PromotionSchema().safeParse(item.promotion);
  if (!parsed.success) return undefined;
  return {
    promotion: parsed.data as Promotion,
    active: item.active !== false,
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
}

/** The item of a coupon's definition (its usage counter is written by orders). */
function couponItem(stored: Omit<StoredCoupon, 'used'>): Record<string, unknown> {
  const coupon = CouponSchema().parse(stored.coupon);
  return {
    ...couponKeys.definition(coupon.code),
    type: 'Coupon',
    coupon,
    totalLimit: coupon.totalLimit,
    active: stored.active,
    ...(stored.updatedBy ? { updatedBy: stored.updatedBy } : {}),
    ...(stored.updatedAt ? { updatedAt: stored.updatedAt } : {}),
    gsi3pk: 'COUPONS',
    gsi3sk: `${new Date(coupon.validUntil).toISOString()}#${coupon.code}`,
  };
}

function storedCouponOf(item: Record<string, unknown>): StoredCoupon | undefined {
  const parsed = CouponSchema().safeParse(item.coupon);
  if (!parsed.success) return undefined;
  return {
    coupon: parsed.data as Coupon,
    active: item.active !== false,
    used: Number(item.used ?? 0),
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
}

/** The `byEnd` keys of a promotion: sorted by when it ends. */
export function promotionIndexKeys(promotion: Pick<Promotion, 'promotionId' | 'endsAt'>): { gsi3pk: string; gsi3sk: string } {
  return { gsi3pk: 'PROMOTIONS', gsi3sk: `${promotion.endsAt ? new Date(promotion.endsAt).toISOString() : OPEN_ENDED}#${promotion.promotionId}` };
}

/** The DynamoDB adapter. */
export class DynamoDbPromotionStore implements PromotionStore, PromotionAdmin {
  /** The last read: what a later call within the store's cache time, or the caller's `maxAgeMs`, takes. */
  private lastRead?: { at: number; promotions: Promise<Promotion[]> };

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    /** How long promotions are cached in the container (0 = not cached). */
    private readonly cacheMs = 0,
  ) {}

  promotions(options?: { readonly maxAgeMs?: number }): Promise<Promotion[]> {
    const now = Date.now();
    const maxAge = Math.max(this.cacheMs, options?.maxAgeMs ?? 0);
    if (this.lastRead && now >= this.lastRead.at && now - this.lastRead.at < maxAge) return this.lastRead.promotions;
    const read = { at: now, promotions: this.loadPromotions() };
    this.lastRead = read;
    read.promotions.catch(() => {
      if (this.lastRead === read) this.lastRead = undefined;
    });
    return read.promotions;
  }

  private async loadPromotions(): Promise<Promotion[]> {
    const out: Promotion[] = [];
    const now = new Date().toISOString();
    const active = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: PROMOTION_INDEX,
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk >= :now',
      FilterExpression: 'attribute_not_exists(promotion.startsAt) OR promotion.startsAt <= :now',
      ExpressionAttributeValues: { ':pk': 'PROMOTIONS', ':now': now },
    });
    for (const item of active) {
      const parsed = PromotionSchema().safeParse(item.promotion);
      // A malformed promotion is skipped rather than breaking every checkout.
      if (parsed.success) out.push(parsed.data as Promotion);
    }
    return out;
  }

  async pricingContext(customerId: string, couponCode?: string): Promise<PricingContext> {
    const keys: Array<Record<string, string>> = [profileKey(customerId)];
    if (couponCode) keys.push(couponKeys.definition(couponCode), couponKeys.customer(couponCode, customerId));
    const items = await batchGet(this.client, this.tableName, keys, { consistent: true });
    const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
    const profile = find(profileKey(customerId));
    const tier = tierOf(profile);
    const membership = { member: tier !== undefined || profile?.member === true, ...(tier ? { memberTier: tier } : {}) };
    if (!couponCode) return membership;
    const definitionItem = find(couponKeys.definition(couponCode));
    const parsed = CouponSchema().safeParse(definitionItem?.coupon);
    // An inactive coupon is as good as unknown to shoppers.
    if (!definitionItem || !parsed.success || definitionItem.active === false) return { ...membership, coupon: null };
    const byCustomer = find(couponKeys.customer(couponCode, customerId));
    const usage: CouponUsage = { total: Number(definitionItem.used ?? 0), byCustomer: Number(byCustomer?.used ?? 0), issued: byCustomer?.issued === true };
    return { ...membership, coupon: { definition: parsed.data as Coupon, usage } };
  }

  async putPromotion(promotion: Promotion): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, promotionItem({ promotion, active: true }));
  }

  async putCoupon(coupon: Coupon): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { ...couponItem({ coupon, active: true }), used: 0 });
  }

  async getPromotion(promotionId: string): Promise<StoredPromotion | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: promotionKey(promotionId), ConsistentRead: true }));
    return Item ? storedPromotionOf(Item) : undefined;
  }

  async savePromotion(stored: StoredPromotion): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: promotionItem(stored) }));
    this.lastRead = undefined;
  }

  async listPromotions(page: { limit: number; cursor?: string }): Promise<Page<StoredPromotion>> {
    const start = decodeCursor(page.cursor, PromotionCursor());
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :promo)',
        ExpressionAttributeValues: { ':pk': 'PROMOTIONS', ':promo': 'PROMO#' },
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (result.Items ?? []).map(storedPromotionOf).filter((p): p is StoredPromotion => p !== undefined);
    return { items, ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}) };
  }

  async getCoupon(code: string): Promise<StoredCoupon | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: couponKeys.definition(code), ConsistentRead: true }));
    return Item ? storedCouponOf(Item) : undefined;
  }

  async saveCoupon(stored: Omit<StoredCoupon, 'used'>): Promise<StoredCoupon> {
    const item = couponItem(stored);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':zero': 0, ':total': item.totalLimit };
    const sets: string[] = ['used = if_not_exists(used, :zero)'];
    for (const [attribute, value] of Object.entries(item)) {
      if (attribute === 'pk' || attribute === 'sk') continue;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: couponKeys.definition(stored.coupon.code),
          UpdateExpression: `SET ${sets.join(', ')}`,
          // The usage counters are the orders' (incremented in their transactions): never reset, never exceeded.
          ConditionExpression: 'attribute_not_exists(used) OR used <= :total',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return storedCouponOf(result.Attributes ?? {}) as StoredCoupon;
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new CouponTotalBelowUsageError(`coupon ${stored.coupon.code}: total limit below usage`);
      throw error;
    }
  }

  async listCoupons(page: { limit: number; cursor?: string }): Promise<Page<StoredCoupon>> {
    const start = decodeCursor(page.cursor, CouponCursor());
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: PROMOTION_INDEX,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': 'COUPONS' },
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (result.Items ?? []).map(storedCouponOf).filter((c): c is StoredCoupon => c !== undefined);
    return { items, ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}) };
  }

  async getMembership(customerId: string): Promise<Membership> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: profileKey(customerId), ConsistentRead: true }));
    return membershipOf(customerId, Item);
  }

  async saveMembership(customerId: string, change: { tier: string | null; at: string; by: string }): Promise<Membership> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: profileKey(customerId),
        UpdateExpression:
          change.tier === null
            ? 'SET #type = :type, tier = :none, #member = :false, updatedBy = :by, updatedAt = :at REMOVE memberSince'
            : 'SET #type = :type, tier = :tier, #member = :true, memberSince = if_not_exists(memberSince, :at), updatedBy = :by, updatedAt = :at',
        ExpressionAttributeNames: { '#type': 'type', '#member': 'member' },
        ExpressionAttributeValues: {
          ':type': 'CustomerProfile',
          ':by': change.by,
          ':at': change.at,
          ...(change.tier === null ? { ':none': null, ':false': false } : { ':tier': change.tier, ':true': true }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return membershipOf(customerId, Attributes);
  }

  async issueCoupon(code: string, customerIds: readonly string[], at: string, by: string): Promise<number> {
    let issued = 0;
    for (let i = 0; i < customerIds.length; i += 10) {
      const results = await Promise.all(
        customerIds.slice(i, i + 10).map(async (customerId) => {
          try {
            await this.client.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: { pk: `CUSTOMER#${customerId}`, sk: `ISSUED#${code}`, type: 'CouponIssue', code, issuedAt: at, issuedBy: by },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: couponKeys.customer(code, customerId),
                      UpdateExpression: 'SET issued = :true, #type = :type',
                      ExpressionAttributeNames: { '#type': 'type' },
                      ExpressionAttributeValues: { ':true': true, ':type': 'CouponUse' },
                    },
                  },
                ],
              }),
            );
            return 1;
          } catch (error) {
            // Issued before: nothing to do (the wallet item exists).
            if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return 0;
            throw error;
          }
        }),
      );
      issued += results.reduce<number>((s, n) => s + n, 0);
    }
    return issued;
  }

  async issuedCoupons(customerId: string): Promise<Array<{ coupon: Coupon; active: boolean; usedByCustomer: number; issuedAt: string }>> {
    const issues = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :issued)',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':issued': 'ISSUED#' },
      ConsistentRead: true,
    });
    // Definitions and this customer's use of each, in one batch (the kernel's batchGet retries unprocessed keys).
    const items = await batchGet(
      this.client,
      this.tableName,
      issues.flatMap((issue) => [couponKeys.definition(String(issue.code)), couponKeys.customer(String(issue.code), customerId)]),
    );
    const byKey = new Map(items.map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
    const out: Array<{ coupon: Coupon; active: boolean; usedByCustomer: number; issuedAt: string }> = [];
    for (const issue of issues) {
      const definition = byKey.get(`COUPON#${String(issue.code)}|COUPON`);
      const stored = definition ? storedCouponOf(definition) : undefined;
      if (!stored) continue;
      const use = byKey.get(`COUPON#${String(issue.code)}|CUSTOMER#${customerId}`);
      out.push({ coupon: stored.coupon, active: stored.active, usedByCustomer: Number(use?.used ?? 0), issuedAt: String(issue.issuedAt) });
    }
    return out;
  }

  async hasSeedMarker(name: string): Promise<boolean> {
    const page = await this.client.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `SEED#${name}` }, ConsistentRead: true, Limit: 1 }),
    );
    return (page.Items ?? []).length > 0;
  }

  async putSeedMarker(name: string, at: Date): Promise<void> {
    await putIfAbsent(this.client, this.tableName, { pk: `SEED#${name}`, sk: 'SEED', type: 'SeedMarker', seededAt: at.toISOString() });
  }
}

/** A profile's tier: its `tier`, or the lowest tier for a profile that says only `member: true` (older demo data). */
function tierOf(item: Record<string, unknown> | undefined): string | undefined {
  if (typeof item?.tier === 'string') return item.tier;
  return item?.member === true ? MEMBER_TIERS[0] : undefined;
}

function membershipOf(customerId: string, item: Record<string, unknown> | undefined): Membership {
  const tier = tierOf(item) ?? null;
  return {
    customerId,
    tier,
    ...(typeof item?.memberSince === 'string' && tier ? { memberSince: item.memberSince } : {}),
    ...(typeof item?.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
    ...(typeof item?.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
}

/** The store on `ORDERS_TABLE_NAME`, caching promotions for `cacheSeconds`. */
export function promotionStoreFromEnv(cacheSeconds = 0): DynamoDbPromotionStore {
  return new DynamoDbPromotionStore(requireSetting('ordersTableName'), documentClient(), cacheSeconds * 1000);
}
