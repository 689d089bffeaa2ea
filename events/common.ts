/**
 * Building blocks of event schemas: ids, money, SKUs and the enumerations capabilities share.
 * Events carry ids, amounts and pseudonymous signals — never personal data (ARCHITECTURE.md).
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';
import { ULID_PATTERN } from '../shared/ids.ts';

/** A ULID. */
export const IdSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));

/** A user id (the token's `sub`) or a system actor such as `system:payment-timeout`. */
export const ActorSchema = /* @__PURE__ */ lazily(() => z.string().check(z.minLength(1), z.maxLength(128)));

/** A SKU. */
export const SkuSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)));

/** A warehouse id, e.g. `WH-EAST`. */
export const WarehouseIdSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z0-9-]{2,40}$/)));

/** Money: integer minor units (fen) and an ISO 4217 currency (ORD-2). */
export const MoneySchema = /* @__PURE__ */ lazily(() =>
  z.object({ amount: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)), currency: z.string().check(z.regex(/^[A-Z]{3}$/)) }),
);

/** A region code of the region-distance table (config), e.g. `east`. */
export const RegionSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)));

/** Order statuses (API.md "Order status"). */
export const ORDER_STATUSES = ['PLACED', 'IN_REVIEW', 'APPROVED', 'FULFILLING', 'SHIPPED', 'DELIVERED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED'] as const;
export const OrderStatusSchema = /* @__PURE__ */ lazily(() => z.enum(ORDER_STATUSES));
export type OrderStatus = z.infer<ReturnType<typeof OrderStatusSchema>>;

/** Order types (ORD-5). */
export const OrderTypeSchema = /* @__PURE__ */ lazily(() => z.enum(['regular', 'pre-sale', 'group-buy']));
export type OrderType = z.infer<ReturnType<typeof OrderTypeSchema>>;

/** Payment methods (PAY-1). */
export const PaymentMethodSchema = /* @__PURE__ */ lazily(() => z.enum(['card', 'wallet', 'bank_transfer', 'cod']));
export type PaymentMethod = z.infer<ReturnType<typeof PaymentMethodSchema>>;

/** A keyed hash (HMAC-SHA256, hex) of a personal value, for matching without revealing it. */
export const PseudonymSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[0-9a-f]{64}$/)));

/** Lines of an order as other capabilities need them (no names, no addresses). */
export const OrderLineSchema = /* @__PURE__ */ lazily(() =>
  z.object({
    sku: SkuSchema(),
    quantity: z.number().check(z.int(), z.positive()),
    category: z.string().check(z.minLength(1), z.maxLength(40)),
    unitPrice: MoneySchema(),
    /** After discounts; the lines add up to the order's goods total exactly. */
    lineTotal: MoneySchema(),
  }),
);

/** Where stock was reserved for an order. */
export const ReservationSchema = /* @__PURE__ */ lazily(() => z.object({ sku: SkuSchema(), warehouseId: WarehouseIdSchema(), quantity: z.number().check(z.int(), z.positive()) }));
