/**
 * Scan `retention-overdue` (CMP-1, CMP-2): orders completed more than `PERSONAL_DATA_RETENTION_DAYS`
 * ago (default 1095, three years) that still hold personal data (the order's sealed `personal`
 * value, or any field of the older map form: checkout's personal-data contract). Completed as checkout's privacy contract
 * defines it (`orderCompletion`, the same rule the retention job applies), read from the order
 * item: a rejected or failed order ended at its last update. One `high` finding per order.
 */
import { storedPersonalValues } from '../../checkout/personal-data-contract.ts';
import { orderCompletion } from '../../checkout/privacy-contract.ts';
import { eachOrder, type OrderSource, type OrderView } from '../order-source.ts';
import type { ComplianceScan, FindingDraft } from './compliance-scan.ts';

const DAY_MS = 86_400_000;

/** When the order completed, if it did: checkout's definition, from what the order item holds. */
export function completedAt(order: OrderView): string | undefined {
  const ended = order.status === 'CANCELLED' || order.status === 'REJECTED' || order.status === 'PAYMENT_FAILED';
  return orderCompletion({
    // a delivered order whose shipments carry no time: its last update
    deliveredAt: order.deliveredAt.length > 0 ? order.deliveredAt : order.status === 'DELIVERED' && order.updatedAt ? [order.updatedAt] : [],
    ...(order.cancelledAt ? { cancelledAt: order.cancelledAt } : {}),
    endedAt: ended && order.updatedAt ? [order.updatedAt] : [],
  });
}

/** The scan over `orders`. */
export function retentionOverdueScan(deps: { readonly orders: OrderSource; readonly retentionDays: number; readonly pageSize?: number }): ComplianceScan {
  return {
    id: 'retention-overdue',
    description: `Orders completed more than the retention period (${deps.retentionDays} days) ago that still hold personal data`,
    async run(context) {
      const findings: FindingDraft[] = [];
      const { examined, complete } = await eachOrder(
        deps.orders,
        context.shouldStop,
        (order) => {
          const completed = completedAt(order);
          if (!completed) return;
          const age = Math.floor((context.now.getTime() - Date.parse(completed)) / DAY_MS);
          if (Number.isNaN(age) || age <= deps.retentionDays) return;
          const held = storedPersonalValues(order.personal)
            .filter(([, value]) => value !== null && value !== '')
            .map(([path]) => path);
          if (held.length === 0) return;
          findings.push({
            subject: order.orderId,
            severity: 'high',
            summary: `Order ${order.orderId} completed ${age} days ago (retention ${deps.retentionDays}) and still holds personal data`,
            details: { completedAt: completed, ageDays: age, retentionDays: deps.retentionDays, attributes: held.join(', ') },
          });
        },
        deps.pageSize,
      );
      return { findings, examined, complete };
    },
  };
}
