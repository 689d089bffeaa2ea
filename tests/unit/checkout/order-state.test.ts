/**
 * The order state machine (API.md "Order status") and what each fact does to an order: pure
 * decisions, including late and duplicate events (ignored), stock releases on REJECTED,
 * PAYMENT_FAILED and CANCELLED (ORD-4), and pre-sale deposit/balance semantics (ORD-5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../../events/common.ts';
import { cny, orderFixture } from '../../support/orders.ts';
import { decide, releasesStock, TERMINAL, transition, TRANSITIONS, type Order, type OrderFact, type OrderStatus, type Trigger } from '../../../functions/checkout/domain/order.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const ctx = { now, balanceWindowHours: 168 };

const order = orderFixture;

const decision = {
  assessmentId: '01JD7ZK9Q1V8Q4N6M5R9T0W1YC',
  score: 55,
  level: 'medium' as const,
  rulesFired: ['r1'],
  decidedBy: 'rules' as const,
  decidedAt: '2026-06-01T11:51:00.000Z',
};
const authorized = (paymentId = 'P1', amount = 10000): OrderFact => ({
  type: 'PaymentAuthorized',
  paymentId,
  amount: cny(amount),
  captureOn: 'shipment',
  at: '2026-06-01T11:52:00.000Z',
});

describe('transition (the state machine)', () => {
  it('allows exactly the documented transitions and nothing out of a terminal status', () => {
    for (const status of ORDER_STATUSES) {
      for (const trigger of Object.keys(TRANSITIONS) as Trigger[]) {
        const result = transition(status, trigger);
        if (TERMINAL.includes(status)) expect(result, `${status} ${trigger}`).toEqual({ ok: false, reason: 'terminal' });
        else expect(result.ok, `${status} ${trigger}`).toBe(TRANSITIONS[trigger].from.includes(status));
      }
    }
  });

  it('follows API.md: PLACED → APPROVED → FULFILLING → SHIPPED → DELIVERED; IN_REVIEW → APPROVED | REJECTED', () => {
    expect(transition('PLACED', 'payment-authorized')).toEqual({ ok: true, to: 'APPROVED' });
    expect(transition('APPROVED', 'order-allocated')).toEqual({ ok: true, to: 'FULFILLING' });
    expect(transition('FULFILLING', 'order-shipped')).toEqual({ ok: true, to: 'SHIPPED' });
    expect(transition('SHIPPED', 'order-delivered')).toEqual({ ok: true, to: 'DELIVERED' });
    expect(transition('PLACED', 'risk-review-required')).toEqual({ ok: true, to: 'IN_REVIEW' });
    expect(transition('IN_REVIEW', 'payment-authorized')).toEqual({ ok: true, to: 'APPROVED' });
    expect(transition('IN_REVIEW', 'risk-rejected')).toEqual({ ok: true, to: 'REJECTED' });
    expect(transition('SHIPPED', 'cancel')).toEqual({ ok: false, reason: 'not-allowed' });
    expect(transition('APPROVED', 'payment-window-expired')).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('releases stock exactly on the terminal exits other than DELIVERED', () => {
    expect((['REJECTED', 'PAYMENT_FAILED', 'CANCELLED'] as OrderStatus[]).every(releasesStock)).toBe(true);
    expect((['PLACED', 'IN_REVIEW', 'APPROVED', 'FULFILLING', 'SHIPPED', 'DELIVERED'] as OrderStatus[]).some(releasesStock)).toBe(false);
  });
});

describe('decide (facts → changes)', () => {
  it('PaymentAuthorized approves a PLACED order, stops awaiting payment, counts the payment once', () => {
    const d = decide(order(), authorized(), ctx);
    expect(d).toMatchObject({
      kind: 'change',
      patch: { status: 'APPROVED', paymentDueBy: null, payment: { status: 'authorized', authorized: cny(10000), paymentIds: ['P1'] } },
      release: [],
    });
    if (d.kind !== 'change') throw new Error('expected a change');
    expect(d.transition).toEqual({ at: now.toISOString(), from: 'PLACED', to: 'APPROVED', reason: 'payment-authorized', actor: 'system:payments' });
    const after = order({ status: 'APPROVED', payment: { method: 'card', status: 'authorized', authorized: cny(10000), paymentIds: ['P1'] }, paymentDueBy: null });
    expect(decide(after, authorized(), ctx)).toEqual({ kind: 'ignore', reason: 'payment already counted' });
  });

  it('a late PaymentAuthorized for a cancelled order changes its payment record, not its status', () => {
    const d = decide(order({ status: 'CANCELLED', reservations: [] }), authorized(), ctx);
    expect(d.kind).toBe('change');
    if (d.kind === 'change') {
      expect(d.transition).toBeUndefined();
      expect(d.patch.status).toBeUndefined();
    }
  });

  it('RiskRejected rejects and releases every reservation; RiskReviewRequired moves to IN_REVIEW; RiskApproved only records', () => {
    const rejected = decide(order(), { type: 'RiskRejected', decision }, ctx);
    expect(rejected).toMatchObject({
      kind: 'change',
      patch: { status: 'REJECTED', reservations: [], risk: { outcome: 'rejected' } },
      release: [{ sku: 'TEA-1', warehouseId: 'WH-EAST', quantity: 2 }],
    });
    expect(decide(order(), { type: 'RiskReviewRequired', decision }, ctx)).toMatchObject({
      kind: 'change',
      patch: { status: 'IN_REVIEW', risk: { outcome: 'review' } },
      release: [],
    });
    const approved = decide(order(), { type: 'RiskApproved', decision }, ctx);
    expect(approved).toMatchObject({ kind: 'change', patch: { risk: { outcome: 'approved' } } });
    if (approved.kind === 'change') expect(approved.transition).toBeUndefined();
  });

  it('an older risk decision never overwrites a newer one; a duplicate is ignored', () => {
    const analyst = { ...decision, decidedBy: 'analyst' as const, analystId: 'ana-1', decidedAt: '2026-06-01T11:58:00.000Z' };
    const reviewed = order({ status: 'IN_REVIEW', risk: { ...analyst, outcome: 'approved' } });
    expect(decide(reviewed, { type: 'RiskReviewRequired', decision }, ctx)).toMatchObject({ kind: 'ignore' });
    expect(decide(reviewed, { type: 'RiskApproved', decision: analyst }, ctx)).toMatchObject({ kind: 'ignore' });
  });

  it('a redelivered decision is recognised whatever the key order of the stored one (a map read back from DynamoDB keeps none)', () => {
    const { assessmentId, ...rest } = decision;
    const stored = { outcome: 'rejected' as const, ...rest, assessmentId };
    expect(Object.keys(stored)).not.toEqual(Object.keys({ ...decision, outcome: 'rejected' }));
    expect(decide(order({ status: 'REJECTED', reservations: [], risk: stored }), { type: 'RiskRejected', decision }, ctx)).toMatchObject({ kind: 'ignore' });
    const shipment = { shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'premium-express', lines: [{ sku: 'TEA-1', quantity: 2 }] };
    const recorded = [
      {
        updatedAt: '2026-06-01T11:56:00.000Z',
        status: 'CREATED' as const,
        lines: [{ quantity: 2, sku: 'TEA-1' }],
        carrier: 'premium-express',
        warehouseId: 'WH-EAST',
        shipmentId: 'S1',
      },
    ];
    expect(
      decide(order({ status: 'FULFILLING', reservations: [], shipments: recorded }), { type: 'OrderAllocated', shipments: [shipment], at: '2026-06-01T11:56:00.000Z' }, ctx),
    ).toMatchObject({
      kind: 'ignore',
    });
  });

  it('RiskReviewRequired arriving after approval is ignored (late event)', () => {
    expect(decide(order({ status: 'APPROVED' }), { type: 'RiskReviewRequired', decision }, ctx)).toMatchObject({ kind: 'change', patch: { risk: { outcome: 'review' } } });
    const d = decide(order({ status: 'APPROVED', risk: { ...decision, outcome: 'review' } }), { type: 'RiskReviewRequired', decision }, ctx);
    expect(d).toEqual({ kind: 'ignore', reason: 'no risk-review-required transition from APPROVED' });
  });

  it('PaymentFailed → PAYMENT_FAILED with the reason and a release; PaymentPending only marks the payment pending once', () => {
    expect(decide(order(), { type: 'PaymentFailed', paymentId: 'P1', reason: 'declined', at: now.toISOString() }, ctx)).toMatchObject({
      kind: 'change',
      patch: { status: 'PAYMENT_FAILED', payment: { status: 'failed', failureReason: 'declined' } },
      release: [{ sku: 'TEA-1' }],
    });
    const pending = decide(
      order({ payment: { method: 'bank_transfer', status: 'awaiting', authorized: cny(0), paymentIds: [] } }),
      { type: 'PaymentPending', paymentId: 'P1', at: now.toISOString() },
      ctx,
    );
    expect(pending).toMatchObject({ kind: 'change', patch: { payment: { status: 'pending' } } });
    expect(
      decide(
        order({ payment: { method: 'bank_transfer', status: 'authorized', authorized: cny(10000), paymentIds: ['P1'] } }),
        { type: 'PaymentPending', paymentId: 'P1', at: now.toISOString() },
        ctx,
      ).kind,
    ).toBe('ignore');
  });

  it('fulfillment: allocation clears reservations (picked) and records shipments; shipped/delivered may arrive out of order', () => {
    const allocated = decide(
      order({ status: 'APPROVED', paymentDueBy: null }),
      { type: 'OrderAllocated', shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'premium', lines: [{ sku: 'TEA-1', quantity: 2 }] }], at: now.toISOString() },
      ctx,
    );
    expect(allocated).toMatchObject({ kind: 'change', patch: { status: 'FULFILLING', reservations: [], shipments: [{ shipmentId: 'S1', status: 'CREATED' }] }, release: [] });
    // OrderShipped before OrderAllocated: APPROVED → SHIPPED directly, nothing released.
    expect(decide(order({ status: 'APPROVED' }), { type: 'OrderShipped', at: now.toISOString() }, ctx)).toMatchObject({
      kind: 'change',
      patch: { status: 'SHIPPED', reservations: [] },
      release: [],
    });
    // The late OrderAllocated then only adds the shipment.
    const late = decide(
      order({ status: 'SHIPPED', reservations: [] }),
      { type: 'OrderAllocated', shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'premium', lines: [{ sku: 'TEA-1', quantity: 2 }] }], at: now.toISOString() },
      ctx,
    );
    expect(late).toMatchObject({ kind: 'change', patch: { shipments: [{ shipmentId: 'S1' }] } });
    if (late.kind === 'change') expect(late.transition).toBeUndefined();
    expect(decide(order({ status: 'DELIVERED' }), { type: 'OrderShipped', at: now.toISOString() }, ctx).kind).toBe('ignore');
  });

  it('shipment tracking keeps the newest status; allocation after tracking keeps the tracking', () => {
    const tracked = decide(
      order({ status: 'FULFILLING' }),
      { type: 'ShipmentStatusChanged', shipmentId: 'S1', carrier: 'premium', waybill: 'PX1', to: 'IN_TRANSIT', at: '2026-06-01T12:00:00.000Z' },
      ctx,
    );
    if (tracked.kind !== 'change') throw new Error('expected a change');
    const withTracking = order({ status: 'FULFILLING', shipments: tracked.patch.shipments ?? [] });
    expect(
      decide(withTracking, { type: 'ShipmentStatusChanged', shipmentId: 'S1', carrier: 'premium', waybill: 'PX1', to: 'PICKED_UP', at: '2026-06-01T11:00:00.000Z' }, ctx).kind,
    ).toBe('ignore');
    // Two reports with one carrier timestamp: a redelivered PICKED_UP never undoes IN_TRANSIT (no processed-event marker absorbs it).
    expect(
      decide(withTracking, { type: 'ShipmentStatusChanged', shipmentId: 'S1', carrier: 'premium', waybill: 'PX1', to: 'PICKED_UP', at: '2026-06-01T12:00:00.000Z' }, ctx),
    ).toMatchObject({ kind: 'ignore', reason: 'earlier shipment status at the same time' });
    const allocated = decide(
      withTracking,
      { type: 'OrderAllocated', shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'premium', lines: [{ sku: 'TEA-1', quantity: 2 }] }], at: now.toISOString() },
      ctx,
    );
    expect(allocated).toMatchObject({ kind: 'change', patch: { shipments: [{ shipmentId: 'S1', status: 'IN_TRANSIT', waybill: 'PX1', warehouseId: 'WH-EAST' }] } });
  });

  it('FUL-1/ORD-6: a shipment cancelled with its (cancelled) order shows CANCELLED, keeps its lines, and stays cancelled', () => {
    const allocatedShipment = {
      shipmentId: 'S1',
      warehouseId: 'WH-EAST',
      carrier: 'premium',
      lines: [{ sku: 'TEA-1', quantity: 2 }],
      status: 'CREATED' as const,
      updatedAt: '2026-06-01T10:00:00.000Z',
    };
    const cancelledOrder = order({ status: 'CANCELLED', reservations: [], shipments: [allocatedShipment] });
    const cancel: OrderFact = { type: 'ShipmentStatusChanged', shipmentId: 'S1', carrier: 'premium', waybill: 'PX1', to: 'CANCELLED', at: '2026-06-01T11:00:00.000Z' };
    const d = decide(cancelledOrder, cancel, ctx);
    expect(d).toEqual({
      kind: 'change',
      patch: { shipments: [{ ...allocatedShipment, waybill: 'PX1', status: 'CANCELLED', updatedAt: '2026-06-01T11:00:00.000Z' }] },
      release: [],
    });
    if (d.kind !== 'change') throw new Error('expected a change');
    const withCancelled = order({ status: 'CANCELLED', reservations: [], shipments: d.patch.shipments ?? [] });
    // A replay changes nothing; no later status reopens it; a late OrderAllocated keeps it CANCELLED.
    expect(decide(withCancelled, cancel, ctx)).toEqual({ kind: 'ignore', reason: 'shipment status already recorded' });
    expect(decide(withCancelled, { ...cancel, to: 'PICKED_UP', at: '2026-06-01T12:00:00.000Z' }, ctx)).toEqual({ kind: 'ignore', reason: 'shipment cancelled' });
    const lateAllocation = decide(
      withCancelled,
      {
        type: 'OrderAllocated',
        shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'premium', lines: [{ sku: 'TEA-1', quantity: 2 }] }],
        at: '2026-06-01T10:00:00.000Z',
      },
      ctx,
    );
    expect(lateAllocation.kind).toBe('ignore');
  });

  it('cancel: by customer or staff before shipment (releasing held stock), never after', () => {
    const d = decide(order(), { type: 'Cancel', by: 'customer', actor: 'alice', reason: 'customer-request' }, ctx);
    expect(d).toMatchObject({
      kind: 'change',
      patch: { status: 'CANCELLED', reservations: [], paymentDueBy: null },
      release: [{ sku: 'TEA-1' }],
      cancelled: { by: 'customer', actor: 'alice', reason: 'customer-request' },
    });
    // FULFILLING holds no reservations any more (picked): nothing to release.
    expect(decide(order({ status: 'FULFILLING', reservations: [] }), { type: 'Cancel', by: 'staff', actor: 'ops-1', reason: 'staff-request' }, ctx)).toMatchObject({
      kind: 'change',
      release: [],
    });
    expect(decide(order({ status: 'SHIPPED' }), { type: 'Cancel', by: 'staff', actor: 'ops-1', reason: 'staff-request' }, ctx)).toEqual({
      kind: 'ignore',
      reason: 'cannot cancel an order that is SHIPPED',
    });
  });

  it('the timeout cancels only orders still awaiting payment whose window has ended (ORD-4)', () => {
    const timeout: OrderFact = { type: 'Cancel', by: 'timeout', actor: 'system:payment-timeout', reason: 'ignored' };
    expect(decide(order(), timeout, ctx)).toEqual({ kind: 'ignore', reason: 'payment window still open' });
    const late = { ...ctx, now: new Date('2026-06-01T12:20:00.000Z') };
    expect(decide(order(), timeout, late)).toMatchObject({ kind: 'change', patch: { status: 'CANCELLED' }, cancelled: { by: 'timeout', reason: 'payment-window-expired' } });
    expect(decide(order({ status: 'APPROVED', paymentDueBy: null }), timeout, late).kind).toBe('ignore');
  });

  it('pre-sale: the deposit keeps the order PLACED and moves the due time; the balance approves it (ORD-5)', () => {
    const presale = order({ orderType: 'pre-sale', total: cny(10000), amountDue: cny(2000), balanceDue: cny(8000) });
    const deposit = decide(presale, authorized('P1', 2000), ctx);
    expect(deposit).toMatchObject({
      kind: 'change',
      patch: { payment: { status: 'deposit-authorized', authorized: cny(2000) }, paymentDueBy: '2026-06-08T12:00:00.000Z' },
      balanceDue: { amount: cny(8000), dueBy: '2026-06-08T12:00:00.000Z' },
    });
    if (deposit.kind !== 'change') throw new Error('expected a change');
    expect(deposit.transition).toBeUndefined();
    const afterDeposit = { ...presale, ...deposit.patch } as Order;
    const balance = decide(afterDeposit, authorized('P2', 8000), ctx);
    expect(balance).toMatchObject({ kind: 'change', patch: { status: 'APPROVED', payment: { status: 'authorized', authorized: cny(10000), paymentIds: ['P1', 'P2'] } } });
    // Unpaid balance past its window: cancelled with its own reason.
    const expired = decide(afterDeposit, { type: 'Cancel', by: 'timeout', actor: 'system:payment-timeout', reason: 'x' }, { ...ctx, now: new Date('2026-06-08T12:00:00.000Z') });
    expect(expired).toMatchObject({ kind: 'change', cancelled: { reason: 'balance-window-expired' } });
  });

  it('pre-sale: a declined balance keeps the order PLACED until its balance window ends; a declined deposit fails it (ORD-5, ORD-6)', () => {
    const presale = order({ orderType: 'pre-sale', total: cny(10000), amountDue: cny(2000), balanceDue: cny(8000) });
    const deposit = decide(presale, authorized('P1', 2000), ctx);
    if (deposit.kind !== 'change') throw new Error('expected a change');
    const afterDeposit = { ...presale, ...deposit.patch } as Order;
    const declined = decide(afterDeposit, { type: 'PaymentFailed', paymentId: 'P2', reason: 'declined', at: '2026-06-02T12:00:00.000Z' }, ctx);
    expect(declined).toMatchObject({ kind: 'change', patch: { payment: { status: 'deposit-authorized', failureReason: 'declined' } }, release: [] });
    if (declined.kind !== 'change') throw new Error('expected a change');
    expect(declined.transition).toBeUndefined();
    const afterDecline = { ...afterDeposit, ...declined.patch } as Order;
    expect(afterDecline.status).toBe('PLACED');
    expect(decide(afterDecline, { type: 'PaymentFailed', paymentId: 'P2', reason: 'declined', at: '2026-06-02T12:00:00.000Z' }, ctx)).toMatchObject({ kind: 'ignore' });
    // the customer pays the balance after all: approved
    expect(decide(afterDecline, authorized('P3', 8000), ctx)).toMatchObject({ kind: 'change', patch: { status: 'APPROVED' } });
    // a declined deposit is a failed payment
    expect(decide(presale, { type: 'PaymentFailed', paymentId: 'P1', reason: 'declined', at: now.toISOString() }, ctx)).toMatchObject({
      kind: 'change',
      patch: { status: 'PAYMENT_FAILED' },
    });
  });

  it('property: whatever facts arrive in whatever order, the order never leaves a terminal status and releases its stock at most once', () => {
    const facts: OrderFact[] = [
      { type: 'RiskReviewRequired', decision },
      { type: 'RiskApproved', decision: { ...decision, decidedAt: '2026-06-01T11:55:00.000Z' } },
      { type: 'RiskRejected', decision: { ...decision, decidedAt: '2026-06-01T11:56:00.000Z' } },
      authorized('P1'),
      { type: 'PaymentPending', paymentId: 'P1', at: now.toISOString() },
      { type: 'PaymentFailed', paymentId: 'P1', reason: 'declined', at: now.toISOString() },
      { type: 'OrderAllocated', shipments: [{ shipmentId: 'S1', warehouseId: 'WH-EAST', carrier: 'c', lines: [{ sku: 'TEA-1', quantity: 2 }] }], at: now.toISOString() },
      { type: 'OrderShipped', at: now.toISOString() },
      { type: 'OrderDelivered', at: now.toISOString() },
      { type: 'Cancel', by: 'customer', actor: 'alice', reason: 'customer-request' },
      { type: 'Cancel', by: 'timeout', actor: 'system:payment-timeout', reason: 'x' },
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...facts), { maxLength: 15 }), fc.boolean(), (sequence, late) => {
        let current = order();
        let released = 0;
        let terminalSeen: OrderStatus | undefined;
        for (const fact of sequence) {
          const d = decide(current, fact, late ? { ...ctx, now: new Date('2026-06-02T00:00:00.000Z') } : ctx);
          if (d.kind === 'ignore') continue;
          released += d.release.reduce((s, r) => s + r.quantity, 0);
          current = { ...current, ...d.patch } as Order;
          if (terminalSeen) expect(current.status).toBe(terminalSeen);
          if (TERMINAL.includes(current.status)) terminalSeen = current.status;
        }
        expect(released).toBeLessThanOrEqual(2);
        if (current.status === 'CANCELLED' || current.status === 'REJECTED' || current.status === 'PAYMENT_FAILED') expect(current.reservations).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
