/** The checkout capability's HTTP contracts (validation schemas and OpenAPI in one place). */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { ROLES } from '../../shared/auth.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { freeText, hasNoControlCharacters } from '../../shared/text.ts';
import { OrderStatusSchema, PaymentMethodSchema } from '../../events/common.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { GROUP_CODE_PATTERN } from './domain/group-buy.ts';
import { MEMBER_TIERS } from './domain/membership.ts';

const text = (min: number, max: number) =>
  z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.refine(hasNoControlCharacters, 'Must not contain control characters'),
    z.refine((v) => v.trim().length >= min, 'Must not be blank'),
  );

const Sku = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')));
const Region = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/, 'Must be a region code like east')));
const OrderId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be an order id (ULID)')));
const Money = /* @__PURE__ */ lazily(() =>
  z.object({ amount: z.number().check(z.int(), z.describe('Integer minor units (fen)')), currency: z.string().check(z.describe('ISO 4217, e.g. CNY')) }),
);

/** A requested line. */
const ItemSchema = /* @__PURE__ */ lazily(() => z.strictObject({ sku: Sku(), quantity: z.number().check(z.int(), z.gte(1), z.lte(10_000)) }));

/** A coupon code as typed (case-insensitive). */
const CouponCode = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Za-z0-9-]{3,40}$/, 'Must be 3–40 letters, digits or -')));

/**
 * A shipping address (API.md). Personal fields (everything but the zone and the country) are
 * encrypted before they are stored. Mainland addresses give `province`, `city`, `district` as
 * written; the shipping zone is derived from the province (`region` still works for existing clients).
 */
export const AddressSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    name: text(1, 100),
    phone: z
      .string()
      .check(
        z.regex(/^\+?[0-9][0-9 ()-]{4,19}$/, 'Must be a phone number'),
        z.describe('Mainland (CN): a mobile (13x–19x) or a landline with its area code, optionally after +86'),
      ),
    line1: text(1, 200).check(z.describe('Street and number (e.g. 文三路 90 号)')),
    line2: z.optional(text(1, 200)),
    province: z.optional(text(2, 20)).check(z.describe('Provincial-level division as written: 浙江省 or 浙江 (any of the 34); the shipping zone is derived from it')),
    city: text(1, 100),
    district: z.optional(text(1, 50)).check(z.describe('District or county, e.g. 西湖区')),
    region: z.optional(Region()).check(z.describe('The shipping zone (catalog settings), e.g. east — only needed without a province')),
    postalCode: z.string().check(z.regex(/^[A-Za-z0-9 -]{3,10}$/, 'Must be a postal code'), z.describe('Mainland (CN): six digits')),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'Must be an ISO 3166-1 alpha-2 code like CN')),
  }),
);

/** `POST /quotes` body. */
export const QuoteBodySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    items: z.array(ItemSchema()).check(z.minLength(1), z.maxLength(100)),
    couponCode: z.optional(CouponCode()),
    shippingAddress: z.optional(z.partial(AddressSchema())).check(z.describe('Only the province (or region) is needed to price shipping')),
    orderType: z.optional(z.enum(['regular', 'pre-sale', 'group-buy'])).check(z.describe('group-buy: the SKU at its running group price (拼团), as a group-buy order is priced')),
  }),
);

/** `POST /orders` body: exactly API.md's, plus optional `orderType` and `billingRegion`. */
export const OrderBodySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    items: z.array(ItemSchema()).check(z.minLength(1), z.maxLength(100)),
    couponCode: z.optional(CouponCode()),
    shippingAddress: AddressSchema(),
    contactEmail: z.email().check(z.maxLength(254)),
    payment: z.strictObject({
      method: PaymentMethodSchema(),
      token: z
        .optional(z.string().check(z.minLength(1), z.maxLength(100)))
        .check(
          z.describe(
            'The payment provider’s token for card and wallet: tok_… or a Stripe PaymentMethod pm_… (Stripe wallets: an alipay or wechat_pay PaymentMethod); card numbers are refused',
          ),
        ),
    }),
    orderType: z
      .optional(z.enum(['regular', 'pre-sale', 'group-buy']))
      .check(
        z.describe(
          'Default regular; pre-sale pays a deposit now and the balance before shipping; group-buy (one SKU with a running group-buy promotion) opens a group, or joins the one named in groupBuy.code, and is approved once the group is complete',
        ),
      ),
    groupBuy: z
      .optional(
        z.strictObject({
          code: z
            .optional(z.string().check(z.regex(GROUP_CODE_PATTERN, 'Must be an 8-character group code')))
            .check(z.describe('The group to join (its opener shares it); leave out to open a group')),
        }),
      )
      .check(z.describe('orderType group-buy only')),
    billingRegion: z.optional(Region()),
  }),
);

/** `POST /orders/{orderId}/cancel` body (send `{}` when there is nothing to say). */
export const CancelBodySchema = /* @__PURE__ */ lazily(() =>
  z
    ._default(z.strictObject({ reason: z.optional(text(1, 200)).check(z.describe('Why (staff: recorded in the audit trail)')) }), {})
    // Registered, not `.check(z.describe(…))`: a check clones the schema, and the clone would keep one default object for every parse.
    .register(z.globalRegistry, { description: 'Optional: the request may have no body' }),
);

const OrderPath = /* @__PURE__ */ lazily(() => z.object({ orderId: OrderId() }));

const Discount = /* @__PURE__ */ lazily(() =>
  z.object({ kind: z.enum(['flash-price', 'group-price', 'spend-threshold', 'member-discount', 'coupon']), id: z.string(), title: z.string(), amount: Money() }),
);
const LineShare = /* @__PURE__ */ lazily(() => z.object({ id: z.string(), amount: Money() }));

const QuoteDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      currency: z.string(),
      lines: z.array(
        z.object({
          sku: z.string(),
          name: z.string(),
          category: z.string(),
          quantity: z.number().check(z.int()),
          unitPrice: Money(),
          flashPrice: z.optional(Money()),
          lineSubtotal: Money(),
          discounts: z.array(LineShare()),
          lineDiscount: Money(),
          lineTotal: Money(),
          inStock: z.boolean(),
        }),
      ),
      subtotal: Money(),
      discounts: z.array(Discount()),
      discountTotal: Money(),
      goodsTotal: Money().check(z.describe('subtotal − discountTotal = Σ line totals')),
      shipping: z.object({ region: z.nullable(z.string()), weightGrams: z.number().check(z.int()), fee: Money(), free: z.boolean(), freeAbove: Money() }),
      shippingFee: Money(),
      total: Money().check(z.describe('goodsTotal + shippingFee')),
      coupon: z.optional(z.object({ code: z.string(), applied: z.boolean(), reason: z.optional(z.string()), message: z.optional(z.string()) })),
      member: z.boolean(),
      pricedAt: z.string(),
    })
    .register(z.globalRegistry, { id: 'Quote' }),
);

const TimelineDoc = /* @__PURE__ */ lazily(() => z.object({ at: z.string(), from: z.nullable(z.string()), to: z.string(), reason: z.string(), actor: z.string() }));

const OrderDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      orderId: z.string(),
      customerId: z.string(),
      orderType: z.enum(['regular', 'pre-sale', 'group-buy']),
      status: OrderStatusSchema(),
      placedAt: z.string(),
      updatedAt: z.string(),
      paymentDueBy: z.nullable(z.string()),
      currency: z.string(),
      lines: z.array(
        z.object({
          sku: z.string(),
          name: z.string(),
          category: z.string(),
          quantity: z.number().check(z.int()),
          unitPrice: Money(),
          flashPrice: z.optional(Money()),
          lineSubtotal: Money(),
          lineDiscount: Money(),
          lineTotal: Money(),
          weightGrams: z.number().check(z.int()),
        }),
      ),
      discounts: z.array(Discount()),
      subtotal: Money(),
      discountTotal: Money(),
      shippingFee: Money(),
      total: Money(),
      amountDue: Money().check(z.describe('Due now: the total, or a pre-sale deposit')),
      balanceDue: Money().check(z.describe('Due before shipping: a pre-sale balance, else zero')),
      couponCode: z.optional(z.string()),
      payment: z.object({
        method: z.string(),
        status: z.enum(['awaiting', 'pending', 'deposit-authorized', 'authorized', 'failed']),
        authorized: Money(),
        captureOn: z.optional(z.string()),
        failureReason: z.optional(z.string()),
      }),
      shippingAddress: z.object({
        name: z.optional(z.string()),
        phone: z.optional(z.string()),
        line1: z.optional(z.string()),
        line2: z.optional(z.string()),
        province: z.optional(z.string()),
        city: z.optional(z.string()),
        district: z.optional(z.string()),
        region: z.string(),
        postalCode: z.optional(z.string()),
        country: z.string(),
      }),
      contactEmail: z.optional(z.string()),
      billingRegion: z.optional(z.string()),
      reservations: z.array(z.object({ sku: z.string(), warehouseId: z.string(), quantity: z.number().check(z.int()) })),
      shipments: z.array(
        z.object({
          shipmentId: z.string(),
          warehouseId: z.optional(z.string()),
          carrier: z.string(),
          waybill: z.optional(z.string()),
          status: z.string(),
          exception: z.optional(z.string()),
          updatedAt: z.string(),
        }),
      ),
      timeline: z.array(TimelineDoc()),
      cancellation: z.optional(z.object({ by: z.string(), actor: z.string(), reason: z.string(), at: z.string() })),
      groupBuy: z
        .optional(z.object({ code: z.string(), size: z.number().check(z.int()), expiresAt: z.string(), complete: z.boolean() }))
        .check(z.describe('Group-buy orders: the group (share the code); approved once complete')),
      risk: z
        .optional(z.object({ outcome: z.string(), score: z.number(), level: z.string(), rulesFired: z.array(z.string()), decidedBy: z.string(), decidedAt: z.string() }))
        .check(z.describe('Staff only')),
    })
    .register(z.globalRegistry, { id: 'Order' }),
);

const OrderSummaryDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      orderId: z.string(),
      orderType: z.string(),
      status: z.string(),
      placedAt: z.string(),
      total: Money(),
      amountDue: Money(),
      itemCount: z.number().check(z.int()),
      paymentMethod: z.string(),
    })
    .register(z.globalRegistry, { id: 'OrderSummary' }),
);

/** `POST /quotes` — price a basket (customer). Changes nothing, so no Idempotency-Key. */
export const createQuoteRoute = /* @__PURE__ */ defineRoute({
  operation: 'createQuote',
  method: 'post',
  pathTemplate: '/quotes',
  summary: 'Price a basket: every line, every discount, shipping and the totals',
  description: 'Prices on the server by the documented stacking rule (functions/checkout/domain/pricing.ts). Nothing is reserved.',
  tags: ['checkout'],
  auth: { roles: ['customer'] },
  body: QuoteBodySchema,
  responses: { 200: { description: 'The priced basket', schema: QuoteDoc } },
});

/** `POST /orders` — place an order (customer). */
export const placeOrderRoute = /* @__PURE__ */ defineRoute({
  operation: 'placeOrder',
  method: 'post',
  pathTemplate: '/orders',
  summary: 'Place an order: re-priced on the server, stock reserved, personal data encrypted',
  description:
    'Optional `x-device-id` header (a risk signal). 409 `out-of-stock` names the short SKUs; 409 `payment-limit-exceeded` says which payment limit (per order or per day, which method) the order would exceed (PAY-1); nothing is written then.',
  tags: ['checkout'],
  auth: { roles: ['customer'] },
  idempotent: true,
  body: OrderBodySchema,
  responses: { 201: { description: 'The order', schema: OrderDoc } },
  problems: [409],
});

/** `GET /orders` — the caller's orders (staff may pass `customerId`). */
export const listOrdersRoute = /* @__PURE__ */ defineRoute({
  operation: 'listOrders',
  method: 'get',
  pathTemplate: '/orders',
  summary: 'List orders, newest first (own orders; staff may name a customer)',
  tags: ['checkout'],
  auth: { roles: [...ROLES] },
  query: () => z.extend(paginationQuerySchema(), { customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))).check(z.describe('Staff only: whose orders')) }),
  responses: { 200: { description: 'A page of orders', schema: () => pageSchema(OrderSummaryDoc()) } },
});

/** `GET /orders/{orderId}` — one order (own; staff any). */
export const getOrderRoute = /* @__PURE__ */ defineRoute({
  operation: 'getOrder',
  method: 'get',
  pathTemplate: '/orders/{orderId}',
  summary: 'Get an order with its timeline, payment, shipments (and, for staff, the risk decision)',
  description: 'Staff reads of personal data are audited; send `x-access-reason` to say why.',
  tags: ['checkout'],
  auth: { roles: [...ROLES] },
  path: OrderPath,
  headers: () =>
    z.object({
      'x-access-reason': z
        .optional(z.string().check(z.minLength(1), z.maxLength(200)))
        .check(
          z.describe(
            'Required of staff roles that see personal data (ops, cs-agent, risk-analyst, admin): why this order is opened; recorded in the audit trail (SEC-4). Without it → 400.',
          ),
        ),
    }),
  responses: { 200: { description: 'The order', schema: OrderDoc } },
  problems: [404],
});

const GroupBuyDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      code: z.string(),
      sku: z.string(),
      price: Money().check(z.describe('The group price of one unit')),
      size: z.number().check(z.int()),
      joined: z.number().check(z.int()),
      placesLeft: z.number().check(z.int()),
      status: z.enum(['OPEN', 'COMPLETE', 'EXPIRED']),
      openedAt: z.string(),
      expiresAt: z.string(),
      completedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'GroupBuy' }),
);

/** `GET /group-buys/{code}` — any signed-in shopper: a group before joining it (no member ids). */
export const getGroupBuyRoute = /* @__PURE__ */ defineRoute({
  operation: 'getGroupBuy',
  method: 'get',
  pathTemplate: '/group-buys/{code}',
  summary: 'A group-buy group (拼团): its SKU and price, places left, status and end',
  description: 'For the link an opener shares. Shows how many joined, never who.',
  tags: ['checkout'],
  auth: { roles: [...ROLES] },
  path: () => z.object({ code: z.string().check(z.regex(GROUP_CODE_PATTERN, 'Must be an 8-character group code')) }),
  responses: { 200: { description: 'The group', schema: GroupBuyDoc } },
  problems: [404],
});

/** `POST /orders/{orderId}/cancel` — customer (own, before shipment) or ops. */
export const cancelOrderRoute = /* @__PURE__ */ defineRoute({
  operation: 'cancelOrder',
  method: 'post',
  pathTemplate: '/orders/{orderId}/cancel',
  summary: 'Cancel an order before shipment; releases its stock',
  tags: ['checkout'],
  auth: { roles: ['customer', 'ops'] },
  idempotent: true,
  path: OrderPath,
  body: CancelBodySchema,
  responses: { 200: { description: 'The cancelled order (without personal data)', schema: OrderDoc } },
  problems: [404, 409],
});

/** `PUT /orders/{orderId}/shipping-address` — the customer corrects the address before approval (ORD-6). */
export const correctShippingAddressRoute = /* @__PURE__ */ defineRoute({
  operation: 'correctShippingAddress',
  method: 'put',
  pathTemplate: '/orders/{orderId}/shipping-address',
  summary: 'Correct an order’s shipping address before it is approved; fraud checks it again',
  description: [
    'The customer’s own orders, while PLACED or IN_REVIEW (an approved order is allocated at once), at most 3 times; otherwise 409 `address-not-correctable`. The address is checked as at placement (400).',
    'A new shipping zone must not change the shipping fee the order was priced with (409: cancel and order again). The order is not approved until fraud has re-assessed the corrected address, even once its payment is authorised.',
  ].join(' '),
  tags: ['checkout'],
  auth: { roles: ['customer'] },
  idempotent: true,
  path: OrderPath,
  body: () => z.strictObject({ shippingAddress: AddressSchema() }),
  responses: { 200: { description: 'The order with its corrected address', schema: OrderDoc } },
  problems: [404, 409],
});

/** Every checkout route, for the OpenAPI document and the API. */
// ---- Back office: promotions and coupons (marketer; ORD-3) ----

const MARKETER = { roles: ['marketer'] } as const;
const PromotionId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'Must be 1–64 letters, digits or -')));
const StoreMoney = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    amount: z.number().check(z.int(), z.gte(0), z.lte(10_000_000_000), z.describe('Integer minor units (fen)')),
    currency: z.string().check(z.regex(/^[A-Z]{3}$/), z.describe('The store currency')),
  }),
);
const When = /* @__PURE__ */ lazily(() => z.iso.datetime({ offset: true }));
const Title = /* @__PURE__ */ lazily(() => text(1, 120));
const Categories = /* @__PURE__ */ lazily(() =>
  z
    .optional(z.array(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/))).check(z.minLength(1), z.maxLength(50)))
    .check(z.describe('Only lines of these categories count (default: all)')),
);
const Change = /* @__PURE__ */ lazily(() => ({
  active: z._default(z.boolean(), true).check(z.describe('false keeps it listed but out of every quote')),
  reason: freeText(500).check(z.minLength(3), z.describe('Why (audit trail)')),
}));
const Window = /* @__PURE__ */ lazily(() => ({ startsAt: z.optional(When()), endsAt: z.optional(When()) }));

/** `PUT /admin/promotions/{promotionId}` body: one of the promotion kinds. */
export const PromotionInputSchema = /* @__PURE__ */ lazily(() =>
  z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('flash-price'),
        title: Title(),
        sku: Sku(),
        price: StoreMoney(),
        membersOnly: z.optional(z.boolean()),
        perCustomerLimit: z
          .optional(z.number().check(z.int(), z.gte(1), z.lte(10_000)))
          .check(z.describe('Units of the SKU one customer may hold reserved at once during the sale')),
        ...Window(),
        ...Change(),
      }),
      z.strictObject({
        kind: z.literal('spend-threshold'),
        title: Title(),
        threshold: StoreMoney(),
        amountOff: StoreMoney(),
        membersOnly: z.optional(z.boolean()),
        categories: Categories(),
        ...Window(),
        ...Change(),
      }),
      z.strictObject({
        kind: z.literal('member-discount'),
        title: Title(),
        percentBasisPoints: z.number().check(z.int(), z.gte(1), z.lte(10_000)),
        maxDiscount: z.optional(StoreMoney()),
        categories: Categories(),
        tiers: z
          .optional(z.array(z.enum(MEMBER_TIERS)).check(z.minLength(1), z.maxLength(MEMBER_TIERS.length)))
          .check(z.describe('Only members of these tiers (default: every member)')),
        ...Window(),
        ...Change(),
      }),
      z.strictObject({
        kind: z.literal('group-buy'),
        title: Title(),
        sku: Sku(),
        price: StoreMoney().check(z.describe('The group price of one unit, below the list price')),
        groupSize: z.number().check(z.int(), z.gte(2), z.lte(10), z.describe('Buyers a group needs (拼团)')),
        windowMinutes: z
          .optional(z.number().check(z.int(), z.gte(1), z.lte(43_200)))
          .check(z.describe('How long a group stays open after its first buyer opens it (default 1440 = 24 h; never past endsAt)')),
        ...Window(),
        ...Change(),
      }),
    ])
    .register(z.globalRegistry, { id: 'PromotionInput' }),
);

const StoredPromotionDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      promotion: z.record(z.string(), z.unknown()).check(z.describe('The definition, as PromotionInput plus promotionId')),
      active: z.boolean(),
      updatedBy: z.optional(z.string()),
      updatedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'Promotion' }),
);

/** `PUT /admin/promotions/{promotionId}` — marketer. Idempotent by nature. */
export const putPromotionRoute = /* @__PURE__ */ defineRoute({
  operation: 'putPromotion',
  method: 'put',
  pathTemplate: '/admin/promotions/{promotionId}',
  summary: 'Create or replace a promotion (flash price, spend threshold, member price)',
  description:
    'Effective for the next order at once, and for quotes within PROMOTIONS_CACHE_SECONDS (default 10 s). Money in the store currency; a flash price names a catalog SKU and undercuts its list price. Audited with the reason; the same definition again changes nothing.',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  path: () => z.object({ promotionId: PromotionId() }),
  body: PromotionInputSchema,
  responses: { 200: { description: 'Replaced (or unchanged)', schema: StoredPromotionDoc }, 201: { description: 'Created', schema: StoredPromotionDoc } },
});

/** `GET /admin/promotions` — marketer. */
export const listPromotionsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listPromotions',
  method: 'get',
  pathTemplate: '/admin/promotions',
  summary: 'Every promotion, active or not, running, upcoming or ended',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  query: paginationQuerySchema,
  responses: { 200: { description: 'A page of promotions', schema: () => pageSchema(StoredPromotionDoc()) } },
});

/** `PUT /admin/coupons/{code}` body. */
export const CouponInputSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      title: Title(),
      kind: z.enum(['percentage', 'fixed']),
      percentBasisPoints: z.optional(z.number().check(z.int(), z.gte(1), z.lte(10_000))).check(z.describe('percentage coupons: 1000 = 10 %')),
      amountOff: z.optional(StoreMoney()).check(z.describe('fixed coupons')),
      maxDiscount: z.optional(StoreMoney()),
      minSpend: StoreMoney(),
      validFrom: When(),
      validUntil: When(),
      perCustomerLimit: z.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
      totalLimit: z.number().check(z.int(), z.gte(1), z.lte(1_000_000_000)),
      membersOnly: z.optional(z.boolean()),
      categories: Categories(),
      issuedOnly: z.optional(z.boolean()).check(z.describe('Usable only by customers it was issued to (POST /admin/coupons/{code}/issues)')),
      ...Change(),
    })
    .register(z.globalRegistry, { id: 'CouponInput' }),
);

const StoredCouponDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      coupon: z.record(z.string(), z.unknown()).check(z.describe('The definition, as CouponInput plus code')),
      active: z.boolean(),
      used: z.number().check(z.int()),
      updatedBy: z.optional(z.string()),
      updatedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'Coupon' }),
);

/** `PUT /admin/coupons/{code}` — marketer. Idempotent by nature. */
export const putCouponRoute = /* @__PURE__ */ defineRoute({
  operation: 'putCoupon',
  method: 'put',
  pathTemplate: '/admin/coupons/{code}',
  summary: 'Create or replace a coupon (its usage is kept)',
  description: 'Codes are upper case. A total limit below the times already used is a 409. Audited with the reason; the same definition again changes nothing.',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  path: () => z.object({ code: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')) }),
  body: CouponInputSchema,
  responses: { 200: { description: 'Replaced (or unchanged)', schema: StoredCouponDoc }, 201: { description: 'Created', schema: StoredCouponDoc } },
  problems: [409],
});

const CustomerIdSchema = /* @__PURE__ */ lazily(() =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/, 'Must be a customer id (1–128 letters, digits or ._:@+-)')),
);

/** `POST /admin/coupons/{code}/issues` — marketer: puts a coupon into customers' wallets. */
export const issueCouponRoute = /* @__PURE__ */ defineRoute({
  operation: 'issueCoupon',
  method: 'post',
  pathTemplate: '/admin/coupons/{code}/issues',
  summary: 'Issue a coupon to customers (their wallet; an issuedOnly coupon only they can use)',
  description: 'Issuing again to a customer changes nothing. Audited with the reason and the number of customers.',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  path: () => z.object({ code: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/, 'Must be 3–40 characters of A–Z, 0–9 or -')) }),
  body: () =>
    z.strictObject({
      customerIds: z.array(CustomerIdSchema()).check(z.minLength(1), z.maxLength(100)),
      reason: freeText(500).check(z.minLength(3), z.describe('Why (audit trail)')),
    }),
  responses: { 200: { description: 'Issued', schema: () => z.object({ code: z.string(), customers: z.number().check(z.int()), newlyIssued: z.number().check(z.int()) }) } },
  problems: [404, 409],
});

const WalletCouponDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    code: z.string(),
    title: z.string(),
    kind: z.enum(['percentage', 'fixed']),
    percentBasisPoints: z.optional(z.number().check(z.int())),
    amountOff: z.optional(Money()),
    maxDiscount: z.optional(Money()),
    minSpend: Money(),
    validFrom: z.string(),
    validUntil: z.string(),
    usesLeft: z.number().check(z.int()),
    usable: z.boolean(),
    issuedAt: z.string(),
  }),
);

/** `GET /me/coupons` — customer: the coupons issued to the caller. */
export const listMyCouponsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listMyCoupons',
  method: 'get',
  pathTemplate: '/me/coupons',
  summary: 'My coupons: those issued to me, usable ones first',
  tags: ['checkout'],
  auth: { roles: ['customer'] },
  responses: { 200: { description: 'The wallet', schema: () => z.object({ items: z.array(WalletCouponDoc()) }) } },
});

const MembershipDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      customerId: z.string(),
      tier: z.nullable(z.enum(MEMBER_TIERS)),
      memberSince: z.optional(z.string()),
      updatedBy: z.optional(z.string()),
      updatedAt: z.optional(z.string()),
    })
    .register(z.globalRegistry, { id: 'Membership' }),
);

/** `PUT /admin/members/{customerId}` — marketer: a customer's tier, or null to end the membership. */
export const putMembershipRoute = /* @__PURE__ */ defineRoute({
  operation: 'putMembership',
  method: 'put',
  pathTemplate: '/admin/members/{customerId}',
  summary: 'Set a customer’s membership tier (null: not a member)',
  description: 'Member prices and members-only offers apply from the next quote and order. Audited with the reason; the same tier again changes nothing.',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  path: () => z.object({ customerId: CustomerIdSchema() }),
  body: () => z.strictObject({ tier: z.nullable(z.enum(MEMBER_TIERS)), reason: freeText(500).check(z.minLength(3), z.describe('Why (audit trail)')) }),
  responses: { 200: { description: 'The membership', schema: MembershipDoc } },
});

/** `GET /admin/members/{customerId}` — marketer, cs-agent. */
export const getMembershipRoute = /* @__PURE__ */ defineRoute({
  operation: 'getMembership',
  method: 'get',
  pathTemplate: '/admin/members/{customerId}',
  summary: 'A customer’s membership tier',
  tags: ['checkout', 'admin'],
  auth: { roles: ['marketer', 'cs-agent'] },
  path: () => z.object({ customerId: CustomerIdSchema() }),
  responses: { 200: { description: 'The membership (tier null: not a member)', schema: MembershipDoc } },
});

/** `GET /admin/coupons` — marketer. */
export const listCouponsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listCoupons',
  method: 'get',
  pathTemplate: '/admin/coupons',
  summary: 'Every coupon with its usage, soonest ending first',
  tags: ['checkout', 'admin'],
  auth: MARKETER,
  query: paginationQuerySchema,
  responses: { 200: { description: 'A page of coupons', schema: () => pageSchema(StoredCouponDoc()) } },
});

export const checkoutRoutes: readonly RouteContract[] = [
  createQuoteRoute,
  placeOrderRoute,
  listOrdersRoute,
  getOrderRoute,
  getGroupBuyRoute,
  issueCouponRoute,
  listMyCouponsRoute,
  putMembershipRoute,
  getMembershipRoute,
  cancelOrderRoute,
  correctShippingAddressRoute,
  putPromotionRoute,
  listPromotionsRoute,
  putCouponRoute,
  listCouponsRoute,
] as readonly RouteContract[];
