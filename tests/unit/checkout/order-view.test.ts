/**
 * What each reader sees of an order (SEC-1, SEC-2): customers never see staff user ids (in the
 * timeline or the cancellation) nor the risk decision; staff see the actors as recorded.
 */
import { describe, expect, it } from 'vitest';
import type { Order, TimelineEntry } from '../../../functions/checkout/domain/order.ts';
import { STAFF_ACTOR_FOR_CUSTOMERS, toOrderView, visibleActor } from '../../../functions/checkout/domain/order-view.ts';
import { orderFixture } from '../../support/orders.ts';

const STAFF_ID = '5f0c1e2a-staff-analyst-7d3b';

const order: Order = orderFixture({
  status: 'CANCELLED',
  version: 4,
  reservations: [],
  paymentDueBy: null,
  updatedAt: '2026-06-01T12:10:00.000Z',
  risk: {
    assessmentId: 'A1',
    score: 55,
    level: 'medium',
    rulesFired: ['r1'],
    decidedBy: 'analyst',
    analystId: STAFF_ID,
    decidedAt: '2026-06-01T12:00:00.000Z',
    outcome: 'approved',
  },
  cancellation: { by: 'staff', actor: STAFF_ID, reason: 'staff-request', at: '2026-06-01T12:10:00.000Z' },
});
const timeline: TimelineEntry[] = [
  { at: '2026-06-01T11:50:00.000Z', from: null, to: 'PLACED', reason: 'order-placed', actor: 'alice' },
  { at: '2026-06-01T11:51:00.000Z', from: 'PLACED', to: 'IN_REVIEW', reason: 'risk-review-required', actor: 'system:fraud' },
  { at: '2026-06-01T12:00:00.000Z', from: 'IN_REVIEW', to: 'APPROVED', reason: 'risk-approved', actor: STAFF_ID },
  { at: '2026-06-01T12:10:00.000Z', from: 'APPROVED', to: 'CANCELLED', reason: 'staff-request', actor: STAFF_ID },
];

describe('order view: what a customer sees of who acted (SEC-1)', () => {
  it('hides staff user ids from the customer: timeline and cancellation say `staff`; no risk decision', () => {
    const view = toOrderView(order, timeline, { reader: 'customer' });
    expect(view.timeline.map((e) => e.actor)).toEqual(['alice', 'system:fraud', STAFF_ACTOR_FOR_CUSTOMERS, STAFF_ACTOR_FOR_CUSTOMERS]);
    expect(view.cancellation?.actor).toBe(STAFF_ACTOR_FOR_CUSTOMERS);
    expect(view.risk).toBeUndefined();
    expect(JSON.stringify(view)).not.toContain(STAFF_ID);
  });

  it('shows staff the actors as recorded, and the risk decision', () => {
    const view = toOrderView(order, timeline, { reader: 'staff' });
    expect(view.timeline.map((e) => e.actor)).toEqual(['alice', 'system:fraud', STAFF_ID, STAFF_ID]);
    expect(view.cancellation?.actor).toBe(STAFF_ID);
    expect(view.risk?.analystId).toBe(STAFF_ID);
  });

  it('visibleActor keeps the customer and system actors', () => {
    expect(visibleActor('alice', order, 'customer')).toBe('alice');
    expect(visibleActor('system:payment-timeout', order, 'customer')).toBe('system:payment-timeout');
    expect(visibleActor('bob', order, 'customer')).toBe('staff');
  });
});
