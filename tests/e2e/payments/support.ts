/**
 * Helpers for the payments e2e tests against the shared local cloud: test orders and their
 * OrderPlaced payloads, and the staff payment view. (Putting events on the bus, DynamoDB, invoking a
 * function now and polling: tests/support/e2e.ts.)
 */
import { ulid } from 'ulid';
import type { EventPayload } from '../../../events/event-definition.ts';
import type { PaymentMethod } from '../../../events/common.ts';
import type { OrderPlaced } from '../../../events/order-placed.ts';
import { api, orderPlacedPayload, poll, sealPaymentToken, tokenFor } from '../../support/e2e.ts';

/** The staff view of an order's payment. */
export type PaymentView = {
  payment: {
    status: string;
    paymentId: string;
    providerPaymentId?: string;
    capturedAmount: number;
    refundedAmount: number;
    captureOn?: string;
    failureReason?: string;
    amount: number;
  };
  balances: { held: number; captured: number; refunded: number; fees: number; netPaid: number; balanced: boolean };
  ledger: Array<{ kind: string; movementId: string; amount: number; providerTransactionId?: string }>;
  refunds: Array<{ refundId: string; status: string }>;
};

/** `GET /admin/payments/{orderId}` as ops (undefined while payments does not know the order). */
export async function paymentView(orderId: string): Promise<PaymentView | undefined> {
  const res = await api(`/admin/payments/${orderId}`, { token: await tokenFor('e2e-payments-ops', ['ops']) });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET /admin/payments/${orderId} → ${res.status} ${res.text}`);
  return res.json as unknown as PaymentView;
}

/** Waits until the order's payment is in one of `statuses`. */
export function untilPayment(orderId: string, statuses: string[], deadlineMs = 30_000) {
  return poll(
    () => paymentView(orderId),
    (v) => v !== undefined && statuses.includes(v.payment.status),
    deadlineMs,
  );
}

/** An order of the test (checkout is stood in for by its events). */
export interface E2eOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  readonly amount: number;
  readonly token?: string;
}

/** A new order of `amount` paid with `method`. */
export function newOrder(method: PaymentMethod, amount: number, token?: string): E2eOrder {
  const orderId = ulid();
  return { orderId, customerId: `e2e-pay-${orderId}`, method, amount, token: token ?? (method === 'card' ? 'tok_visa' : method === 'wallet' ? 'tok_wallet' : undefined) };
}

/** OrderPlaced as checkout publishes it (the token sealed for payments). */
export async function orderPlaced(o: E2eOrder): Promise<EventPayload<typeof OrderPlaced>> {
  return orderPlacedPayload({
    orderId: o.orderId,
    customerId: o.customerId,
    amount: o.amount,
    paymentMethod: o.method,
    ...(o.token ? { sealedPaymentToken: await sealPaymentToken(o.orderId, o.token) } : {}),
  });
}
