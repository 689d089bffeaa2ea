/**
 * OrderPlaced v1 — an order was written with its stock reserved (ORD-1, ORD-4).
 * Consumers: fraud (assessment), fulfillment (safety-stock check), payments (limits bookkeeping).
 * Carries ids, amounts and pseudonymous risk signals (keyed hashes, the email's domain); never a
 * name, phone, address or email, and the payment token only sealed.
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, OrderLineSchema, OrderTypeSchema, PaymentMethodSchema, PseudonymSchema, RegionSchema, ReservationSchema } from './common.ts';

/**
 * How OrderPlaced's payment token is sealed (the field encryptor's context, with the order id as the
 * record id): the contract between checkout, which seals it, and payments, which opens it.
 */
export const PAYMENT_TOKEN_SEAL = { entity: 'payment-token', field: 'paymentToken' } as const;

export const OrderPlaced = /* @__PURE__ */ defineEvent({
  name: 'OrderPlaced',
  version: 1,
  source: 'commerce.checkout',
  description: 'An order was placed and its stock reserved. Ids, amounts and pseudonymous risk signals only.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      customerId: ActorSchema(),
      orderType: OrderTypeSchema(),
      lines: z.array(OrderLineSchema()).check(z.minLength(1)),
      reservations: z.array(ReservationSchema()).check(z.minLength(1)),
      subtotal: MoneySchema(),
      discountTotal: MoneySchema(),
      shippingFee: MoneySchema(),
      total: MoneySchema(),
      /** What is charged now: the total, or the deposit of a pre-sale order. */
      amountDue: MoneySchema(),
      paymentMethod: PaymentMethodSchema(),
      /**
       * The payment provider's token for a card or wallet payment (`tok_…`/`pm_…`, from the
       * provider's client SDK: never card data, PAY-1), SEALED: encrypted by checkout under the
       * platform's field key with {@link PAYMENT_TOKEN_SEAL} and the order id, so the event archive,
       * queues and DLQs never hold it in clear. Only payments opens it (it stores the ciphertext as
       * is and opens it once the order is risk-approved). Absent for bank transfer and cash on delivery.
       */
      sealedPaymentToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
      couponCode: z.optional(z.string().check(z.maxLength(40))),
      shippingRegion: RegionSchema(),
      billingRegion: z.optional(RegionSchema()),
      placedAt: z.iso.datetime(),
      /** Unpaid (not approved) by then → cancelled by the payment-window sweep. */
      paymentDueBy: z.iso.datetime(),
      riskSignals: z.object({
        emailDomain: z.string().check(z.maxLength(253)),
        emailHash: PseudonymSchema(),
        phoneHash: PseudonymSchema(),
        addressHash: PseudonymSchema(),
        deviceId: z.optional(z.string().check(z.maxLength(128))),
        ipHash: z.optional(PseudonymSchema()),
        paymentFingerprint: z.optional(PseudonymSchema()),
      }),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'alice',
    orderType: 'regular',
    lines: [{ sku: 'TEA-LONGJING-250G', quantity: 2, category: 'tea', unitPrice: { amount: 12800, currency: 'CNY' }, lineTotal: { amount: 23040, currency: 'CNY' } }],
    reservations: [{ sku: 'TEA-LONGJING-250G', warehouseId: 'WH-EAST', quantity: 2 }],
    subtotal: { amount: 25600, currency: 'CNY' },
    discountTotal: { amount: 2560, currency: 'CNY' },
    shippingFee: { amount: 0, currency: 'CNY' },
    total: { amount: 23040, currency: 'CNY' },
    amountDue: { amount: 23040, currency: 'CNY' },
    paymentMethod: 'card',
    couponCode: 'WELCOME10',
    shippingRegion: 'east',
    placedAt: '2026-11-23T08:00:00.000Z',
    paymentDueBy: '2026-11-23T08:30:00.000Z',
    riskSignals: {
      emailDomain: 'example.com',
      emailHash: 'a'.repeat(64),
      phoneHash: 'b'.repeat(64),
      addressHash: 'c'.repeat(64),
      deviceId: 'device-123',
      paymentFingerprint: 'd'.repeat(64),
    },
  },
});

/** The pseudonymous risk signals of an order (keyed hashes, device id, email domain). */
export type RiskSignals = z.output<typeof OrderPlaced.schema>['riskSignals'];
