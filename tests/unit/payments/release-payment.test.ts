/**
 * Which order events release a payment (void what is authorised, refund what is captured).
 * (The consumers' message handling is the kernel's: tests/unit/shared/event-consumer.test.ts.)
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { releaseFactsOf } from '../../../functions/payments/handlers/release-payment.ts';

const meta = { correlationId: 'c', occurredAt: '2026-11-23T08:00:00.000Z', eventId: 'e1' };

describe('payments release consumer', () => {
  it('release only on CANCELLED, REJECTED and PAYMENT_FAILED status changes', () => {
    const changed = (to: string) => ({ ...OrderStatusChanged.example, to, meta });
    expect(releaseFactsOf('OrderStatusChanged', changed('REJECTED'))).toMatchObject({ reason: 'order-rejected' });
    expect(releaseFactsOf('OrderStatusChanged', changed('PAYMENT_FAILED'))).toMatchObject({ reason: 'payment-failed' });
    expect(releaseFactsOf('OrderStatusChanged', changed('APPROVED'))).toBeUndefined();
  });
});
