/**
 * What one customer may hold at once (SEC-5: abuse and denial of wallet). Unpaid orders reserve
 * stock that nobody else can buy until the payment window closes, so one account could empty a
 * shelf by placing orders it never pays. Two per-customer caps bound that:
 *  - **open unpaid orders**: orders still awaiting their payment (`paymentDueBy` set, status
 *    PLACED or IN_REVIEW) — default 5 (`MAX_OPEN_UNPAID_ORDERS`);
 *  - **units of one SKU reserved**: units the customer's orders hold as reservations (from placement
 *    until the stock is picked or released) — default 20 (`MAX_RESERVED_UNITS_PER_SKU`); a flash
 *    sale sets its own with `perCustomerLimit` on its flash-price promotion.
 * The counters live in one item per customer and change only inside the order's own transactions
 * (orders-repository.ts), conditional on the caps, so concurrent orders cannot slip past them.
 * An order records what it counted (`heldByCustomer`): its open-unpaid slot is given back once (a
 * pre-sale that awaits its balance later does not give it back twice), its units as its
 * reservations end. Orders placed before the caps existed counted nothing and give nothing back. Pure.
 */
import { AWAITING_PAYMENT, type Order, type Reservation } from './order.ts';
import { isActive, type Promotion } from './pricing.ts';

/** The caps. */
export interface HoldLimits {
  readonly maxOpenUnpaidOrders: number;
  readonly maxReservedUnitsPerSku: number;
}

/** The defaults (configurable: checkout settings). */
export const DEFAULT_HOLD_LIMITS: HoldLimits = { maxOpenUnpaidOrders: 5, maxReservedUnitsPerSku: 20 };

/** True while the order waits for its payment (a group-buy member whose payment is authorised waits only for its group). */
export function isOpenUnpaid(order: Pick<Order, 'status' | 'paymentDueBy' | 'payment'>): boolean {
  return order.paymentDueBy !== null && AWAITING_PAYMENT.includes(order.status) && order.payment.status !== 'authorized';
}

/** Units reserved per SKU. */
export function unitsBySku(reservations: readonly Reservation[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const r of reservations) units.set(r.sku, (units.get(r.sku) ?? 0) + r.quantity);
  return units;
}

/** The per-customer unit cap of `sku` now: the smallest `perCustomerLimit` of an active flash sale of it, else the default. */
export function unitCapOf(sku: string, promotions: readonly Promotion[], now: Date, limits: HoldLimits): number {
  const own = promotions.flatMap((p) => (p.kind === 'flash-price' && p.sku === sku && p.perCustomerLimit !== undefined && isActive(p, now) ? [p.perCustomerLimit] : []));
  return own.length > 0 ? Math.min(...own) : limits.maxReservedUnitsPerSku;
}

/** What placing `order` adds to its customer's holds, with the cap each addition must stay within. */
export interface HoldIncrease {
  readonly openUnpaid: { readonly add: number; readonly cap: number };
  readonly units: ReadonlyArray<{ readonly sku: string; readonly add: number; readonly cap: number }>;
}

/** The holds a new order takes. */
export function holdsOfPlacement(order: Order, promotions: readonly Promotion[], now: Date, limits: HoldLimits): HoldIncrease {
  return {
    openUnpaid: { add: isOpenUnpaid(order) ? 1 : 0, cap: limits.maxOpenUnpaidOrders },
    units: [...unitsBySku(order.reservations)].map(([sku, add]) => ({ sku, add, cap: unitCapOf(sku, promotions, now, limits) })),
  };
}

/** What a change of an order gives back to its customer's holds. */
export interface HoldRelease {
  readonly openUnpaid: number;
  readonly units: ReadonlyArray<{ readonly sku: string; readonly remove: number }>;
}

/** What a placed order counted against its customer's caps (`Order.heldByCustomer`). */
export interface CountedHolds {
  /** The order still counts as one open unpaid order. */
  readonly openUnpaid: boolean;
  /** Its reservations count against the per-SKU unit caps. */
  readonly reservations: boolean;
}

/** What placing `order` counts. */
export function countedAtPlacement(order: Order): CountedHolds {
  return { openUnpaid: isOpenUnpaid(order), reservations: true };
}

/**
 * The holds released when `before` becomes `after`, and what `after` still counts (nothing for an
 * order that never counted).
 */
export function holdsReleased(before: Order, after: Order): { release: HoldRelease; counted: CountedHolds | undefined } {
  const counted = before.heldByCustomer;
  if (!counted) return { release: { openUnpaid: 0, units: [] }, counted: undefined };
  const freesSlot = counted.openUnpaid && !isOpenUnpaid(after);
  const units = counted.reservations ? unitsReleased(before.reservations, after.reservations) : [];
  return { release: { openUnpaid: freesSlot ? 1 : 0, units }, counted: { openUnpaid: counted.openUnpaid && !freesSlot, reservations: counted.reservations } };
}

function unitsReleased(before: readonly Reservation[], after: readonly Reservation[]): Array<{ sku: string; remove: number }> {
  const still = unitsBySku(after);
  return [...unitsBySku(before)].map(([sku, n]) => ({ sku, remove: n - Math.min(n, still.get(sku) ?? 0) })).filter((u) => u.remove > 0);
}

/** True when the release changes nothing. */
export function isEmptyRelease(release: HoldRelease): boolean {
  return release.openUnpaid === 0 && release.units.length === 0;
}
