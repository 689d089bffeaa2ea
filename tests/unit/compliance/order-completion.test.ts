/**
 * One definition of an order's completion (CMP-2, SEC-3): the retention job reads an order's
 * timeline, the `retention-overdue` scan only its order item; both go through checkout's
 * `orderCompletion`, so the scan never reports an order the job would not shred, nor misses one.
 */
import { describe, expect, it } from 'vitest';
import { orderCompletedAt, orderCompletion } from '../../../functions/checkout/privacy-contract.ts';
import { toOrderView } from '../../../functions/compliance/order-source.ts';
import { completedAt } from '../../../functions/compliance/scans/retention-overdue.ts';

const orderId = '01JD7ZK3X2V8Q4N6M5R9T0W1YB';
const order = (fields: Record<string, unknown>) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER', type: 'Order', orderId, placedAt: '2023-01-01T00:00:00.000Z', ...fields });
const step = (to: string, at: string) => ({ pk: `ORDER#${orderId}`, sk: `TIMELINE#${at}#${to}`, to, at });

describe('when an order completed (CMP-2)', () => {
  it.each([
    {
      name: 'delivered in two shipments: the first delivery',
      item: order({
        status: 'DELIVERED',
        updatedAt: '2023-01-09T00:00:00.000Z',
        shipments: [
          { status: 'DELIVERED', updatedAt: '2023-01-09T00:00:00.000Z' },
          { status: 'DELIVERED', updatedAt: '2023-01-05T00:00:00.000Z' },
        ],
      }),
      timeline: [step('PAID', '2023-01-01T00:01:00.000Z'), step('DELIVERED', '2023-01-09T00:00:00.000Z'), step('DELIVERED', '2023-01-05T00:00:00.000Z')],
      expected: '2023-01-05T00:00:00.000Z',
    },
    {
      name: 'cancelled: the cancellation',
      item: order({ status: 'CANCELLED', updatedAt: '2023-01-02T00:00:00.000Z', cancellation: { at: '2023-01-02T00:00:00.000Z', reason: 'customer' } }),
      timeline: [step('CANCELLED', '2023-01-02T00:00:00.000Z')],
      expected: '2023-01-02T00:00:00.000Z',
    },
    {
      name: 'rejected by the risk check: when it ended',
      item: order({ status: 'REJECTED', updatedAt: '2023-01-01T00:00:05.000Z' }),
      timeline: [step('REJECTED', '2023-01-01T00:00:05.000Z')],
      expected: '2023-01-01T00:00:05.000Z',
    },
    {
      name: 'still open: not completed',
      item: order({ status: 'SHIPPED', updatedAt: '2023-01-03T00:00:00.000Z', shipments: [{ status: 'IN_TRANSIT', updatedAt: '2023-01-03T00:00:00.000Z' }] }),
      timeline: [step('SHIPPED', '2023-01-03T00:00:00.000Z')],
      expected: undefined,
    },
  ])('$name — the same answer from the timeline (retention job) and from the order item (scan)', ({ item, timeline, expected }) => {
    expect(orderCompletedAt([item, ...timeline])).toBe(expected);
    expect(completedAt(toOrderView(item)!)).toBe(expected);
  });

  it('a delivery wins over a later cancellation of the rest; a cancellation over other endings', () => {
    expect(orderCompletion({ deliveredAt: ['2023-02-01'], cancelledAt: '2023-01-15', endedAt: [] })).toBe('2023-02-01');
    expect(orderCompletion({ deliveredAt: [], cancelledAt: '2023-01-15', endedAt: ['2023-01-10'] })).toBe('2023-01-15');
    expect(orderCompletion({ deliveredAt: [], endedAt: ['2023-01-12', '2023-01-10'] })).toBe('2023-01-10');
  });
});
