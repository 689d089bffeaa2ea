/**
 * The shopper's payment route (PAY-1), in a module of its own: only its function bundles these
 * schemas, not every payments function.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { PaymentMethodSchema } from '../../events/common.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { PAYMENT_STATUSES } from './domain/payment.ts';

const Ulid = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const Minor = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const Currency = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as CNY')));
const OrderPath = /* @__PURE__ */ lazily(() => z.object({ orderId: Ulid() }));

const PaymentActionDoc = /* @__PURE__ */ lazily(() =>
  z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('redirect'), url: z.string().check(z.describe('Open this page (Alipay) to pay')) }),
      z.object({
        type: z.literal('qr-code'),
        data: z.string().check(z.describe('Show this as a QR code for WeChat to scan')),
        imageUrl: z.optional(z.string()).check(z.describe('The same QR code as a PNG')),
      }),
    ])
    .register(z.globalRegistry, { id: 'PaymentAction' }),
);

const ShopperPaymentDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      orderId: Ulid(),
      payments: z.array(
        z.object({
          paymentId: Ulid(),
          part: z.optional(z.enum(['deposit', 'balance'])),
          method: PaymentMethodSchema(),
          status: z.enum(PAYMENT_STATUSES),
          amount: z.object({ amount: Minor(), currency: Currency() }),
          captured: Minor(),
          refunded: Minor(),
          nextAction: z.optional(PaymentActionDoc()).check(z.describe('While pending: what the shopper must do to pay (Alipay: open the page; WeChat Pay: scan the code)')),
        }),
      ),
    })
    .register(z.globalRegistry, { id: 'ShopperPayment' }),
);

/** `GET /orders/{orderId}/payment` — the shopper (own order) and customer service: the payment's state and what the shopper must do next. */
export const getShopperPaymentRoute = /* @__PURE__ */ defineRoute({
  operation: 'getShopperPayment',
  method: 'get',
  pathTemplate: '/orders/{orderId}/payment',
  summary: 'An order’s payment as its shopper sees it, with the next step of a wallet payment',
  description: 'A wallet payment through Stripe (Alipay, WeChat Pay) waits for the shopper: `nextAction` says what to open or scan. Another customer’s order is a 404.',
  tags: ['payments'],
  auth: { roles: ['customer', 'ops', 'cs-agent'] },
  path: OrderPath,
  responses: { 200: { description: 'The payment', schema: ShopperPaymentDoc } },
  problems: [404],
});

/** The shopper's payment routes, for the OpenAPI document and the API. */
export const shopperPaymentRoutes: readonly RouteContract[] = [getShopperPaymentRoute] as readonly RouteContract[];
