/**
 * Promotions, coupons and customer profiles in the OrdersTable (single-table design, see
 * orders-repository.ts for the order items):
 *
 * | item                   | pk                   | sk                     | attributes |
 * |------------------------|----------------------|------------------------|------------|
 * | promotion              | `PROMOTIONS`         | `PROMO#<promotionId>`  | `promotion` (flash price, spend threshold, member offer); index `activePromotions`: gsi3pk `PROMOTIONS`, gsi3sk `<endsAt or 9999…>#<promotionId>` |
 * | coupon                 | `COUPON#<CODE>`      | `COUPON`               | `coupon` (definition), `used`, `totalLimit` |
 * | coupon use by customer | `COUPON#<CODE>`      | `CUSTOMER#<customerId>`| `used` |
 * | customer profile       | `CUSTOMER#<id>`      | `PROFILE`              | `member`, `memberSince` |
 * | seed marker            | `SEED#<name>`        | `SEED`                 | |
 *
 * Usage counters change only inside the order transaction (orders-repository.ts), conditional on
 * the limits, so a coupon is counted exactly once per order and never beyond its limits.
 *
 * Membership is data (API.md's roles are fixed): a customer is a member when their profile says so.
 *
 * Quotes and orders read promotions through the `activePromotions` index, keyed by when each ends:
 * one query for `gsi3sk >= now` returns only those not yet over (and a filter drops those not yet
 * begun), so ended promotions — which pile up over the years — are never read again (SEC-5: the
 * cost of a quote must not grow with the merchant's history).
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, putIfAbsent, queryAll } from '../../shared/dynamodb.ts';
import type { Coupon, CouponUsage, Promotion } from './domain/pricing.ts';

const MoneySchema = z.object({ amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Z]{3}$/) });
const When = z.iso.datetime();
const Window = { startsAt: When.optional(), endsAt: When.optional() };
const Categories = z.array(z.string().min(1).max(40)).max(50).optional();
const Title = z.string().min(1).max(120);
const PromotionId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** A stored promotion. */
export const PromotionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('flash-price'), promotionId: PromotionId, title: Title, sku: z.string().regex(/^[A-Z0-9-]{3,40}$/), price: MoneySchema, membersOnly: z.boolean().optional(), perCustomerLimit: z.number().int().min(1).max(10_000).optional(), ...Window }),
  z.object({ kind: z.literal('spend-threshold'), promotionId: PromotionId, title: Title, threshold: MoneySchema, amountOff: MoneySchema, membersOnly: z.boolean().optional(), categories: Categories, ...Window }),
  z.object({ kind: z.literal('member-discount'), promotionId: PromotionId, title: Title, percentBasisPoints: z.number().int().min(0).max(10_000), maxDiscount: MoneySchema.optional(), categories: Categories, ...Window }),
]);

/** Coupon codes: 3–40 upper-case letters, digits and `-`. */
export const CouponCodeSchema = z.string().regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -');

/** A stored coupon definition. */
export const CouponSchema = z
  .object({
    code: CouponCodeSchema,
    title: Title,
    kind: z.enum(['percentage', 'fixed']),
    percentBasisPoints: z.number().int().min(0).max(10_000).optional(),
    amountOff: MoneySchema.optional(),
    maxDiscount: MoneySchema.optional(),
    minSpend: MoneySchema,
    validFrom: When,
    validUntil: When,
    perCustomerLimit: z.number().int().min(1).max(1_000_000),
    totalLimit: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    membersOnly: z.boolean().optional(),
    categories: Categories,
  })
  .refine((c) => (c.kind === 'percentage' ? c.percentBasisPoints !== undefined : c.amountOff !== undefined), 'percentage coupons need percentBasisPoints, fixed ones amountOff');

/** What pricing needs to know about a customer and their coupon. */
export interface PricingContext {
  readonly member: boolean;
  /** `undefined` when no code was given; `null` for an unknown code. */
  readonly coupon?: { readonly definition: Coupon; readonly usage: CouponUsage } | null;
}

/** The port the pricing use cases read through. */
export interface PromotionStore {
  /** Every stored promotion (pricing filters by time and eligibility). */
  promotions(): Promise<Promotion[]>;
  /** Membership, and the coupon with its usage when a code is given. */
  pricingContext(customerId: string, couponCode?: string): Promise<PricingContext>;
}

/** Writes of demo data and staff tools. */
export interface PromotionAdmin {
  putPromotion(promotion: Promotion): Promise<boolean>;
  putCoupon(coupon: Coupon): Promise<boolean>;
  putCustomerProfile(customerId: string, profile: { member: boolean; memberSince?: string }): Promise<boolean>;
  hasSeedMarker(name: string): Promise<boolean>;
  putSeedMarker(name: string, at: Date): Promise<void>;
}

/** Keys of the coupon items (shared with the order transaction). */
export const couponKeys = {
  definition: (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' }),
  customer: (code: string, customerId: string) => ({ pk: `COUPON#${code}`, sk: `CUSTOMER#${customerId}` }),
};

const profileKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' });

/** The index quotes read promotions through (the infra construct creates it). */
export const PROMOTION_INDEX = 'activePromotions';
/** Promotions without an end sort after every real date. */
const OPEN_ENDED = '9999-12-31T23:59:59.999Z';

/** The `activePromotions` keys of a promotion: sorted by when it ends. */
export function promotionIndexKeys(promotion: Pick<Promotion, 'promotionId' | 'endsAt'>): { gsi3pk: string; gsi3sk: string } {
  return { gsi3pk: 'PROMOTIONS', gsi3sk: `${promotion.endsAt ? new Date(promotion.endsAt).toISOString() : OPEN_ENDED}#${promotion.promotionId}` };
}

/** The DynamoDB adapter. */
export class DynamoDbPromotionStore implements PromotionStore, PromotionAdmin {
  private cached?: { at: number; promotions: Promise<Promotion[]> };

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
    /** How long promotions are cached in the container (0 = not cached). */
    private readonly cacheMs = 0,
  ) {}

  promotions(): Promise<Promotion[]> {
    const now = Date.now();
    if (this.cacheMs > 0 && this.cached && now - this.cached.at < this.cacheMs) return this.cached.promotions;
    const loading = this.loadPromotions();
    if (this.cacheMs > 0) {
      this.cached = { at: now, promotions: loading };
      loading.catch(() => (this.cached = undefined));
    }
    return loading;
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
      const parsed = PromotionSchema.safeParse(item.promotion);
      // A malformed promotion is skipped rather than breaking every checkout.
      if (parsed.success) out.push(parsed.data as Promotion);
    }
    return out;
  }

  async pricingContext(customerId: string, couponCode?: string): Promise<PricingContext> {
    const keys: Record<string, unknown>[] = [profileKey(customerId)];
    if (couponCode) keys.push(couponKeys.definition(couponCode), couponKeys.customer(couponCode, customerId));
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt++) {
      const response = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(response.Responses?.[this.tableName] ?? []));
      pending = response.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
    if (pending && pending.length > 0) throw new Error('BatchGetItem left keys unprocessed');
    const find = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
    const member = find(profileKey(customerId))?.member === true;
    if (!couponCode) return { member };
    const definitionItem = find(couponKeys.definition(couponCode));
    const parsed = CouponSchema.safeParse(definitionItem?.coupon);
    if (!definitionItem || !parsed.success) return { member, coupon: null };
    const usage: CouponUsage = { total: Number(definitionItem.used ?? 0), byCustomer: Number(find(couponKeys.customer(couponCode, customerId))?.used ?? 0) };
    return { member, coupon: { definition: parsed.data as Coupon, usage } };
  }

  async putPromotion(promotion: Promotion): Promise<boolean> {
    const stored = PromotionSchema.parse(promotion);
    return putIfAbsent(this.client, this.tableName, { pk: 'PROMOTIONS', sk: `PROMO#${stored.promotionId}`, type: 'Promotion', promotion: stored, ...promotionIndexKeys(stored) });
  }

  async putCoupon(coupon: Coupon): Promise<boolean> {
    const definition = CouponSchema.parse(coupon);
    return putIfAbsent(this.client, this.tableName, { ...couponKeys.definition(coupon.code), type: 'Coupon', coupon: definition, used: 0, totalLimit: definition.totalLimit });
  }

  async putCustomerProfile(customerId: string, profile: { member: boolean; memberSince?: string }): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { ...profileKey(customerId), type: 'CustomerProfile', ...profile });
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

/** The store on `ORDERS_TABLE_NAME`, caching promotions for `cacheSeconds`. */
export function promotionStoreFromEnv(cacheSeconds = 0): DynamoDbPromotionStore {
  return new DynamoDbPromotionStore(requireSetting('ordersTableName'), documentClient(), cacheSeconds * 1000);
}
