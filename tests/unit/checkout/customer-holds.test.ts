/**
 * Per-customer caps, the pure part (SEC-5): what a placement takes, what a change gives back —
 * once, even for a pre-sale that awaits its balance after its deposit — and a flash sale's own cap.
 */
import { describe, expect, it } from 'vitest';
import { countedAtPlacement, DEFAULT_HOLD_LIMITS, holdsOfPlacement, holdsReleased, isOpenUnpaid, unitCapOf } from '../../../functions/checkout/domain/customer-holds.ts';
import type { Order } from '../../../functions/checkout/domain/order.ts';
import type { Promotion } from '../../../functions/checkout/domain/pricing.ts';
import { cny, orderFixture } from '../../support/orders.ts';

const now = new Date('2026-06-01T12:00:00.000Z');
const base = orderFixture({
  reservations: [
    { sku: 'A', warehouseId: 'WH-EAST', quantity: 3 },
    { sku: 'A', warehouseId: 'WH-WEST', quantity: 2 },
    { sku: 'B', warehouseId: 'WH-EAST', quantity: 1 },
  ],
  placedAt: now.toISOString(),
  paymentDueBy: '2026-06-01T12:30:00.000Z',
});
const placed: Order = { ...base, heldByCustomer: countedAtPlacement(base) };

describe('customer holds (SEC-5)', () => {
  it('a placement takes one open-unpaid slot and its units per SKU, against the default caps', () => {
    expect(holdsOfPlacement(base, [], now, DEFAULT_HOLD_LIMITS)).toEqual({
      openUnpaid: { add: 1, cap: 5 },
      units: [
        { sku: 'A', add: 5, cap: 20 },
        { sku: 'B', add: 1, cap: 20 },
      ],
    });
  });

  it('a running flash sale sets the cap of its SKU; an ended one does not', () => {
    const flash = (perCustomerLimit: number, endsAt: string): Promotion => ({
      kind: 'flash-price',
      promotionId: `F${perCustomerLimit}`,
      title: 'f',
      sku: 'A',
      price: cny(1),
      perCustomerLimit,
      endsAt,
    });
    expect(unitCapOf('A', [flash(2, '2026-06-02T00:00:00.000Z'), flash(4, '2026-06-02T00:00:00.000Z')], now, DEFAULT_HOLD_LIMITS)).toBe(2);
    expect(unitCapOf('A', [flash(2, '2026-05-31T00:00:00.000Z')], now, DEFAULT_HOLD_LIMITS)).toBe(20);
    expect(unitCapOf('B', [flash(2, '2026-06-02T00:00:00.000Z')], now, DEFAULT_HOLD_LIMITS)).toBe(20);
  });

  it('paying frees the slot but keeps the units until the stock is picked or released', () => {
    const paid: Order = { ...placed, status: 'APPROVED', paymentDueBy: null };
    const { release, counted } = holdsReleased(placed, paid);
    expect(release).toEqual({ openUnpaid: 1, units: [] });
    expect(counted).toEqual({ openUnpaid: false, reservations: true });
    const picked = holdsReleased({ ...paid, heldByCustomer: counted }, { ...paid, status: 'FULFILLING', reservations: [] });
    expect(picked.release).toEqual({
      openUnpaid: 0,
      units: [
        { sku: 'A', remove: 5 },
        { sku: 'B', remove: 1 },
      ],
    });
  });

  it('a pre-sale gives its slot back once, though it awaits payment again for its balance', () => {
    const depositPaid: Order = { ...placed, orderType: 'pre-sale', status: 'APPROVED', paymentDueBy: null };
    const first = holdsReleased(placed, depositPaid);
    expect(first.release.openUnpaid).toBe(1);
    const balanceDue: Order = { ...depositPaid, heldByCustomer: first.counted, status: 'PLACED', paymentDueBy: '2026-06-08T12:00:00.000Z' };
    expect(isOpenUnpaid(balanceDue)).toBe(true);
    const balancePaid = holdsReleased(balanceDue, { ...balanceDue, status: 'APPROVED', paymentDueBy: null });
    expect(balancePaid.release.openUnpaid).toBe(0);
  });

  it('an order placed before the caps gives nothing back', () => {
    expect(holdsReleased(base, { ...base, status: 'CANCELLED', paymentDueBy: null, reservations: [] })).toEqual({ release: { openUnpaid: 0, units: [] }, counted: undefined });
  });
});
