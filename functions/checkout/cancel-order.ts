/**
 * Use case: cancel an order (`POST /orders/{orderId}/cancel`): its customer (own orders only —
 * anyone else's is a 404, never revealing it exists) or `ops`, any time before shipment. The
 * held stock is released in the same transaction, `OrderCancelled` and `OrderStatusChanged` are
 * published (payments voids or refunds). A staff cancellation is audited with its reason (SEC-4).
 * A coupon used by the order stays used (one use per placed order).
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import { changeOrder, type ChangeOrderDeps } from './change-order.ts';
import type { Order } from './domain/order.ts';
import { toOrderView, type OrderView } from './domain/order-view.ts';
import { CheckoutNotFoundError, StateConflictError } from './domain/checkout-errors.ts';

/** Ports of {@link cancelOrder}. */
export interface CancelOrderDeps extends ChangeOrderDeps {
  readonly audit: AuditLog;
}

/** Who cancels which order, and why. */
export interface CancelOrderCommand {
  readonly orderId: string;
  readonly principal: Principal;
  /** Free text (staff: recorded in the audit trail). */
  readonly reason?: string;
  readonly correlationId: string;
}

/** True when `principal` cancels as staff (ops; admin may do what ops may). */
export function cancelsAsStaff(principal: Principal): boolean {
  return principal.roles.includes('ops') || principal.roles.includes('admin');
}

/** Cancels the order; returns its view (without personal data). */
export async function cancelOrder(deps: CancelOrderDeps, command: CancelOrderCommand): Promise<OrderView> {
  const staff = cancelsAsStaff(command.principal);
  const missing = () => new CheckoutNotFoundError(`There is no order ${command.orderId}.`);
  const guard = (order: Order) => {
    if (!staff && order.customerId !== command.principal.userId) throw missing();
  };
  if (staff) {
    // SEC-4 / RISK-7: the staff action is recorded BEFORE it is carried out, so no cancellation can
    // happen without its audit entry (a failed audit write stops it; a failure after it leaves the
    // attempt on record).
    const before = await deps.orders.get(command.orderId);
    if (!before) throw missing();
    await deps.audit.record({
      actor: command.principal.userId,
      roles: command.principal.roles,
      action: 'order.cancel',
      resource: { type: 'order', id: command.orderId },
      reason: command.reason ?? 'not given',
      details: { from: before.order.status, total: before.order.total.amount },
      correlationId: command.correlationId,
    });
  }
  const result = await changeOrder(deps, {
    orderId: command.orderId,
    fact: { type: 'Cancel', by: staff ? 'staff' : 'customer', actor: command.principal.userId, reason: staff ? 'staff-request' : 'customer-request' },
    correlationId: command.correlationId,
    guard,
  });
  if (result.outcome === 'not-found') throw missing();
  if (result.outcome === 'ignored') {
    throw new StateConflictError(result.order.status === 'CANCELLED' ? 'The order is already cancelled.' : `The order is ${result.order.status} and can no longer be cancelled.`);
  }
  const found = await deps.orders.get(command.orderId);
  if (!found) throw missing();
  return toOrderView(found.order, found.timeline, { reader: staff ? 'staff' : 'customer' });
}
