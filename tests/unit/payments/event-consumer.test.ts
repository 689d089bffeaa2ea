/**
 * The payments consumers' message handling: EventBridge envelopes validated against the event
 * contracts (an invalid message fails, never silently dropped) and the redelivery backoff of
 * records that wait for another event.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { RiskApproved } from '../../../events/risk-assessed.ts';
import { deferSeconds, InvalidMessageError, parseEventRecord } from '../../../functions/payments/event-consumer.ts';
import { releaseFactsOf } from '../../../functions/payments/handlers/release-payment.ts';
import { OrderStatusChanged } from '../../../events/order-status-changed.ts';
import { eventBridgeEvent, sqsRecord } from '../../support/http-events.ts';

const meta = { correlationId: 'c', occurredAt: '2026-11-23T08:00:00.000Z', eventId: 'e1' };

describe('payments event consumers', () => {
  it('parse the EventBridge envelope against the event contract', () => {
    const record = sqsRecord(eventBridgeEvent('RiskApproved', 'commerce.fraud', { version: 1, ...RiskApproved.example, meta }));
    expect(parseEventRecord(record, [RiskApproved])).toMatchObject({ name: 'RiskApproved', detail: { orderId: RiskApproved.example.orderId, meta } });
  });

  it('fail a message that is not JSON, of another type, or invalid — naming fields, never values', () => {
    expect(() => parseEventRecord(sqsRecord('not json'), [RiskApproved])).toThrow(InvalidMessageError);
    expect(() => parseEventRecord(sqsRecord(eventBridgeEvent('OrderShipped', 'x', {})), [RiskApproved])).toThrow(/unexpected detail-type OrderShipped/);
    expect(() => parseEventRecord(sqsRecord(eventBridgeEvent('RiskApproved', 'commerce.fraud', { version: 1, ...RiskApproved.example, orderId: 'secret-value', meta })), [RiskApproved])).toThrow(/orderId/);
    expect(() => parseEventRecord(sqsRecord(eventBridgeEvent('RiskApproved', 'commerce.fraud', { version: 1, ...RiskApproved.example, orderId: 'secret-value', meta })), [RiskApproved])).not.toThrow(/secret-value/);
  });

  it('redeliver a waiting record after 5 s, 15 s, 45 s, 135 s, 405 s (capped)', () => {
    expect([1, 2, 3, 4, 5].map(deferSeconds)).toEqual([5, 15, 45, 135, 405]);
    expect(deferSeconds(50)).toBe(43_200);
  });

  it('release only on CANCELLED, REJECTED and PAYMENT_FAILED status changes', () => {
    const changed = (to: string) => ({ ...OrderStatusChanged.example, to, meta });
    expect(releaseFactsOf('OrderStatusChanged', changed('REJECTED'))).toMatchObject({ reason: 'order-rejected' });
    expect(releaseFactsOf('OrderStatusChanged', changed('PAYMENT_FAILED'))).toMatchObject({ reason: 'payment-failed' });
    expect(releaseFactsOf('OrderStatusChanged', changed('APPROVED'))).toBeUndefined();
  });
});
