/**
 * Scan `unpaid-orders` (CMP-1, ORD-4): orders still awaiting payment (PLACED or IN_REVIEW with a
 * payment due time) more than a grace period past their payment window — the timeout sweep should
 * have cancelled them and released their stock. One `medium` finding per order.
 */
import { eachOrder, type OrderSource } from '../order-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

/** Statuses in which an order awaits payment (checkout's AWAITING_PAYMENT). */
const AWAITING_PAYMENT = ['PLACED', 'IN_REVIEW'];
/** The sweep runs every few minutes: only orders overdue by more than this are findings. */
export const UNPAID_GRACE_MINUTES = 15;

/** The scan over `orders`. */
export function unpaidOrdersScan(deps: { readonly orders: OrderSource; readonly pageSize?: number }): ComplianceScan {
  return {
    id: 'unpaid-orders',
    description: 'Orders still awaiting payment past their payment window (the timeout should have cancelled them)',
    async run(context) {
      const findings: FindingDraft[] = [];
      const limit = context.now.getTime() - UNPAID_GRACE_MINUTES * 60_000;
      const { examined, complete } = await eachOrder(
        deps.orders,
        context.shouldStop,
        (order) => {
          if (!AWAITING_PAYMENT.includes(order.status) || typeof order.paymentDueBy !== 'string') return;
          const due = Date.parse(order.paymentDueBy);
          if (Number.isNaN(due) || due >= limit) return;
          const overdueMinutes = Math.floor((context.now.getTime() - due) / 60_000);
          findings.push({
            subject: order.orderId,
            severity: 'medium',
            summary: `Order ${order.orderId} is ${order.status}, unpaid ${overdueMinutes} min past its payment window`,
            details: { status: order.status, paymentDueBy: order.paymentDueBy, overdueMinutes },
          });
        },
        deps.pageSize,
      );
      return { findings, examined, complete };
    },
  };
}
