/**
 * A placed order for pure checkout tests (state machine, views, customer holds): PLACED, ¥100.00
 * by card, two units of TEA-1 reserved in WH-EAST, awaiting payment; override what a test needs.
 */
import type { Order } from '../../functions/checkout/domain/order.ts';

export const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** An order as checkout stores it (personal data stands in as opaque strings). */
export function orderFixture(overrides: Partial<Order> = {}): Order {
  return {
    orderId: '01JD7ZK3X2V8Q4N6M5R9T0W1YB',
    customerId: 'alice',
    orderType: 'regular',
    status: 'PLACED',
    version: 1,
    currency: 'CNY',
    lines: [],
    discounts: [],
    subtotal: cny(10000),
    discountTotal: cny(0),
    shippingFee: cny(0),
    total: cny(10000),
    amountDue: cny(10000),
    balanceDue: cny(0),
    payment: { method: 'card', status: 'awaiting', authorized: cny(0), paymentIds: [] },
    shippingRegion: 'east',
    shippingCountry: 'CN',
    reservations: [{ sku: 'TEA-1', warehouseId: 'WH-EAST', quantity: 2 }],
    placedAt: '2026-06-01T11:50:00.000Z',
    paymentDueBy: '2026-06-01T12:20:00.000Z',
    shipments: [],
    personal: { name: 'x', phone: 'x', line1: 'x', city: 'x', postalCode: 'x', email: 'x' },
    updatedAt: '2026-06-01T11:50:00.000Z',
    ...overrides,
  };
}
