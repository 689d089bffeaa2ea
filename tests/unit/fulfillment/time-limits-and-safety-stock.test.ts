/** FUL-3 delivery time limits per carrier and region; FUL-4 safety stock and replenishment. */
import { describe, expect, it } from 'vitest';
import {
  dailySeries,
  DEFAULT_SAFETY_STOCK_POLICY,
  isBelowSafety,
  replenishmentAction,
  safetyLevel,
  suggestedQuantity,
  windowDays,
  type SafetyStockPolicy,
} from '../../../functions/fulfillment/domain/safety-stock.ts';
import { DEFAULT_DELIVERY_TIME_LIMITS, deliveryDueBy, deliveryTimeLimitHours, DeliveryTimeLimitsSchema, isLate } from '../../../functions/fulfillment/domain/time-limits.ts';

describe('delivery time limits (FUL-3)', () => {
  it.each<[string, string, number]>([
    ['premium-express', 'east', 48],
    ['premium-express', 'west', 72],
    ['standard-express', 'north', 72],
    ['standard-express', 'northwest', 96],
    ['economy-post', 'south', 120],
    ['economy-post', 'west', 168],
    ['unknown-carrier', 'east', 72],
  ])('%s to %s: %i h', (carrier, region, hours) => {
    expect(deliveryTimeLimitHours(DEFAULT_DELIVERY_TIME_LIMITS, carrier, region)).toBe(hours);
  });

  it('is due that many hours after creation, late strictly after', () => {
    const due = deliveryDueBy(DEFAULT_DELIVERY_TIME_LIMITS, 'premium-express', 'east', new Date('2026-11-23T08:00:00Z'));
    expect(due.toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(isLate(due, new Date('2026-11-25T08:00:00Z'))).toBe(false);
    expect(isLate(due, new Date('2026-11-25T08:00:01Z'))).toBe(true);
  });

  it('validates the configured table', () => {
    expect(DeliveryTimeLimitsSchema().safeParse({ defaultHours: 0, carriers: {} }).success).toBe(false);
    expect(DeliveryTimeLimitsSchema().safeParse(DEFAULT_DELIVERY_TIME_LIMITS).success).toBe(true);
  });
});

const policy = (over: Partial<SafetyStockPolicy> = {}): SafetyStockPolicy => ({ ...DEFAULT_SAFETY_STOCK_POLICY, ...over });
const now = new Date('2026-11-23T10:00:00Z');

describe('safety stock (FUL-4)', () => {
  it('the window is the last 30 UTC days including today', () => {
    const days = windowDays(now, 30);
    expect(days).toHaveLength(30);
    expect(days[0]).toBe('2026-10-25');
    expect(days[29]).toBe('2026-11-23');
  });

  it('ignores sales outside the window', () => {
    const sales = new Map([
      ['2026-10-24', 100],
      ['2026-10-25', 3],
      ['2026-11-23', 2],
    ]);
    expect(dailySeries(sales, now, 30).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it.each<[string, Partial<SafetyStockPolicy>, number[], number]>([
    ['days of sales, defaults: 30 days of average sales = the last 30 days of sales', {}, Array(30).fill(2), 60],
    ['days of sales: uneven sales, average × cover, rounded up', {}, [...Array(29).fill(0), 7], 7],
    ['days of sales: 14 days of cover', { coverDays: 14 }, Array(30).fill(3), 42],
    ['days of sales: no sales → 0', {}, Array(30).fill(0), 0],
    ['days of sales: one unit in a 30-day window, cover 10 → 1 (rounded up)', { coverDays: 10 }, [...Array(29).fill(0), 1], 1],
    ['variability: steady demand needs no safety stock', { method: 'demand-variability' }, Array(30).fill(5), 0],
    ['variability: z × σ × √L', { method: 'demand-variability', leadTimeDays: 16, serviceFactor: 2 }, [...Array(15).fill(0), ...Array(15).fill(10)], 40],
  ])('%s', (_name, over, daily, expected) => {
    expect(safetyLevel(policy(over), daily).safetyStock).toBe(expected);
  });

  it('suggests ordering up to safety stock + a reorder cycle of demand (the event example: 12 available, 30 safety → 48)', () => {
    const level = safetyLevel(policy(), Array(30).fill(1));
    expect(level.safetyStock).toBe(30);
    expect(isBelowSafety(12, level)).toBe(true);
    expect(suggestedQuantity(policy(), level, 12)).toBe(48);
    expect(isBelowSafety(30, level)).toBe(false);
  });

  it('suggests at least one unit', () => {
    const level = { safetyStock: 1, averageDailySales: 0, method: 'days-of-sales' as const };
    expect(suggestedQuantity(policy(), level, 0)).toBe(1);
  });

  it.each<[boolean, boolean, 'stock-change' | 'daily-sweep', string]>([
    [true, false, 'stock-change', 'suggest'],
    [true, true, 'stock-change', 'none'],
    [false, true, 'stock-change', 'clear'],
    [false, false, 'stock-change', 'none'],
    [true, true, 'daily-sweep', 'suggest'],
    [true, false, 'daily-sweep', 'suggest'],
    [false, true, 'daily-sweep', 'clear'],
  ])('below=%s open=%s trigger=%s → %s (one suggestion per crossing)', (below, open, trigger, action) => {
    expect(replenishmentAction({ below, open, trigger })).toBe(action);
  });
});
