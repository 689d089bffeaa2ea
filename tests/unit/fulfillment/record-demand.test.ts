/**
 * FUL-4, issue 15: recording an order's demand — a transaction conflict on a busy SKU's day of
 * sales is retried in place (not left to a redelivery a visibility timeout later), a replay is
 * recognised by its marker, and the safety-stock list's entry is written only for SKUs the
 * container does not know to be on the list.
 */
import { describe, expect, it } from 'vitest';
import { MarkerExists, WriteConflict, type FulfillmentRepository } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { ListedSkus, recordDemand } from '../../../functions/fulfillment/replenishment.ts';
import { manualClock } from '../../../shared/clock.ts';

const order = { orderId: 'o-1', placedAt: '2026-12-07T10:00:00.000Z', lines: [{ sku: 'TEA', quantity: 2 }], correlationId: 'c-1' };

/** A repository whose demand writes fail with `failures` (in order) before succeeding; it records what it was asked. */
function repositoryFailing(...failures: Error[]) {
  const calls: Array<ReadonlyArray<{ sku: string; quantity: number; listed?: boolean }>> = [];
  const repository = {
    recordDemand: async (_marker: unknown, _day: string, lines: ReadonlyArray<{ sku: string; quantity: number; listed?: boolean }>) => {
      calls.push(lines);
      const failure = failures.shift();
      if (failure) throw failure;
    },
  } as unknown as FulfillmentRepository;
  return { repository, calls };
}

describe('recordDemand', () => {
  it('retries a transaction conflict and records the demand once', async () => {
    const { repository, calls } = repositoryFailing(new WriteConflict('lost'), new WriteConflict('lost again'));
    const waits: number[] = [];
    expect(await recordDemand({ repository, sleep: async (ms) => void waits.push(ms) }, order)).toBe(true);
    expect(calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('gives up after five conflicts: the record fails and its redelivery tries again', async () => {
    const { repository, calls } = repositoryFailing(...Array.from({ length: 5 }, () => new WriteConflict('lost')));
    await expect(recordDemand({ repository, sleep: async () => {} }, order)).rejects.toBeInstanceOf(WriteConflict);
    expect(calls).toHaveLength(5);
  });

  it('a replay (its marker exists) records nothing and is not retried; any other error is not retried either', async () => {
    const replay = repositoryFailing(new MarkerExists('DEMAND o-1'));
    expect(await recordDemand({ repository: replay.repository, sleep: async () => {} }, order)).toBe(false);
    expect(replay.calls).toHaveLength(1);
    const broken = repositoryFailing(new Error('throttled'));
    await expect(recordDemand({ repository: broken.repository, sleep: async () => {} }, order)).rejects.toThrow('throttled');
    expect(broken.calls).toHaveLength(1);
  });

  it('writes the list entry of a SKU the container does not know to be listed, and remembers it once written or found written (a replay)', async () => {
    const listed = new ListedSkus();
    const clock = manualClock(new Date(1_000));
    const first = repositoryFailing();
    await recordDemand({ repository: first.repository, listed, clock }, order);
    await recordDemand(
      { repository: first.repository, listed, clock },
      {
        ...order,
        orderId: 'o-2',
        lines: [
          { sku: 'TEA', quantity: 1 },
          { sku: 'RICE', quantity: 1 },
        ],
      },
    );
    expect(first.calls.map((lines) => lines.map((l) => [l.sku, l.listed]))).toEqual([
      [['TEA', false]],
      [
        ['TEA', true],
        ['RICE', false],
      ],
    ]);
    // a write that failed for another reason teaches nothing
    const failing = repositoryFailing(new Error('throttled'));
    await expect(recordDemand({ repository: failing.repository, listed, clock }, { ...order, lines: [{ sku: 'MILK', quantity: 1 }] })).rejects.toThrow();
    expect(listed.has('MILK', 1_000)).toBe(false);
    const replay = repositoryFailing(new MarkerExists('DEMAND o-3'));
    await recordDemand({ repository: replay.repository, listed, clock }, { ...order, lines: [{ sku: 'MILK', quantity: 1 }] });
    expect(listed.has('MILK', 1_000)).toBe(true);
  });
});
