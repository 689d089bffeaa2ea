/**
 * PreSaleBalanceDue v1 — the deposit of a pre-sale order (ORD-5) is authorised; the balance is
 * due by `dueBy`. Consumers: payments (collect the balance with the order's payment method, then
 * publish PaymentAuthorized for it), notifications. The order stays PLACED until the authorised
 * amounts cover its total; unpaid by `dueBy`, checkout cancels it (reason `balance-window-expired`).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema, MoneySchema, PaymentMethodSchema } from './common.ts';

export const PreSaleBalanceDue = /* @__PURE__ */ defineEvent({
  name: 'PreSaleBalanceDue',
  version: 1,
  source: 'commerce.checkout',
  description: 'A pre-sale order’s deposit is authorised; collect the balance before it ships.',
  schema: () =>
    z.object({
      orderId: IdSchema(),
      customerId: ActorSchema(),
      paymentMethod: PaymentMethodSchema(),
      total: MoneySchema(),
      /** Authorised so far (the deposit). */
      authorized: MoneySchema(),
      /** What is left to authorise. */
      balance: MoneySchema(),
      dueBy: z.iso.datetime(),
    }),
  example: {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'alice',
    paymentMethod: 'card',
    total: { amount: 100000, currency: 'CNY' },
    authorized: { amount: 20000, currency: 'CNY' },
    balance: { amount: 80000, currency: 'CNY' },
    dueBy: '2026-11-30T08:00:00.000Z',
  },
});
