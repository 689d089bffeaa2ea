/**
 * Use case: `OrderPlaced` → payments records the order's payment (status `new`): amount due (the
 * total, or a pre-sale's deposit, `part: 'deposit'`), the order's total, method, customer, and the provider token, encrypted and bound to the order (it is used once the
 * order is risk-approved). Idempotent and order-tolerant: a second OrderPlaced changes nothing; an
 * OrderPlaced arriving after the order's cancellation completes the tombstone, which stays
 * cancelled.
 */
import type { EventDetail } from '../../events/event-definition.ts';
import type { OrderPlaced } from '../../events/order-placed.ts';
import { completeTombstone, newPayment, type OrderFacts } from './domain/payment.ts';
import { transitionContext, withConflictRetry, type EngineDeps, type TokenVault } from './engine.ts';

/** What recording did. */
export type RecordOutcome = 'created' | 'tombstone-completed' | 'unchanged';

/** Records the payment of a placed order. */
export async function recordOrderPlaced(deps: EngineDeps & { readonly vault: TokenVault }, order: EventDetail<typeof OrderPlaced>): Promise<RecordOutcome> {
  const facts: OrderFacts = {
    orderId: order.orderId,
    customerId: order.customerId,
    method: order.paymentMethod,
    amount: order.amountDue.amount,
    currency: order.amountDue.currency,
    orderTotal: order.total.amount,
    // A pre-sale's first payment is its deposit; its balance is opened on PreSaleBalanceDue (ORD-5).
    ...(order.orderType === 'pre-sale' ? { part: 'deposit' as const } : {}),
  };
  // The payment is usually new: the first attempt creates it without reading (conditional on there
  // being none); a duplicate delivery or a tombstone fails that condition, and the retry reads.
  return withConflictRetry('record order', async (attempt) => {
    const ctx = transitionContext(deps);
    const stored = attempt === 1 ? undefined : await deps.repo.getPayment(order.orderId);
    if (stored?.payment.orderKnown) return 'unchanged';
    if (stored) {
      const payment = completeTombstone(stored.payment, facts, ctx);
      await deps.repo.commit({ payment, expectedVersion: stored.payment.version });
      return 'tombstone-completed';
    }
    const payment = newPayment(facts, ctx);
    // Stored as checkout sealed it (PAYMENT_TOKEN_SEAL): opened only to authorise.
    const tokenCiphertext = order.sealedPaymentToken && payment.method !== 'cod' && payment.method !== 'bank_transfer' ? order.sealedPaymentToken : undefined;
    await deps.repo.commit({ payment, expectedVersion: null, tokenCiphertext });
    return 'created';
  });
}
