/**
 * Use case: place an order (`POST /orders`; ORD-1, ORD-2, ORD-4, ORD-5, ORD-7, SEC-2, SEC-5).
 *
 * 1. Check the request beyond its shape (limits, regions, payment token, no card numbers) and that
 *    the configured payment provider takes its method (400 otherwise: GET /payment-methods lists them).
 * 2. Re-price it on the server (never trusting client prices), with the customer's coupon and
 *    membership. A coupon that does not apply is a 409 naming why.
 * 3. Check the payment limits (PAY-1, payments' limits-contract.ts): the method's per-order limit
 *    on the order's total, the method's and the customer's daily limits on what is due now (a
 *    pre-sale's deposit) plus what the customer has committed today. Over a limit → 409
 *    `payment-limit-exceeded` saying which limit (per order or per day, which method), nothing
 *    written. Payments enforces the same limits when it authorises, so a raced check cannot
 *    exceed them either.
 * 4. Plan where to reserve (catalog's planner: nearest warehouses to the shipping region).
 * 5. Encrypt the personal data (bound to the new order id); compute the risk signals under the
 *    risk-signal key (Secrets Manager outside dev, read only now that the request is valid).
 * 6. Write the order, its timeline entry, the stock reservations (catalog's reserveStock: the
 *    stock item and the order's reservation record per SKU and warehouse), the coupon counters, the
 *    request marker and the outbox entry in ONE transaction, conditional on enough available
 *    stock. When a reservation fails because stock changed since it was read, re-read and re-plan
 *    (bounded by `PLACE_ORDER_MAX_REPLANS`) — so an order that can still be served is never
 *    refused — and answer 409 naming the short SKUs once the stock is really gone. Transaction
 *    conflicts (two transactions on the same stock item at once) are retried with jitter.
 * 7. Publish `OrderPlaced` (outbox: never lost). No `OrderStatusChanged` repeats it (order-events.ts).
 *
 * Group-buy (ORD-5, domain/group-buy.ts): the order buys one SKU at its group price and opens a
 * group (a new code) or joins the one named — in the same transaction, conditional on the members
 * read, so however many join at once a group gets exactly its size; a join that loses the race
 * reads the group again and joins the next place, or gets 409 `group-buy-closed` once it is full or
 * over. The join that fills the group publishes `GroupBuyCompleted` for every other member.
 *
 * Exactly once per request: the request marker (customer + Idempotency-Key, in the same
 * transaction) makes a retry that reaches this use case again — e.g. after the function died
 * between commit and response — return the order placed the first time instead of placing a
 * second one; the coupon is therefore counted exactly once per order.
 */
import { backoffDelay, sleep as sleepMs } from '../../shared/retry.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import crypto from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { EventPublisher } from '../../shared/events.ts';
import { zero } from '../../shared/money.ts';
import {
  holderBucket,
  ITEMS_PER_STOCK_OPERATION,
  MAX_RESERVATIONS_PER_ORDER,
  planAllocation,
  reservableAtOnce,
  stockedOutside,
  type CatalogEntry,
  type RegionDistances,
} from '../catalog/stock-contract.ts';
import { checkPaymentLimits, offeredMethods, providerTakes, type DailyTotals, type PaymentLimits, type ProviderName } from '../payments/limits-contract.ts';
import {
  CheckoutBusyError,
  CheckoutConflictError,
  CouponNotApplicableError,
  GroupBuyUnavailableError,
  IdempotencyKeyReusedError,
  InvalidCheckoutRequestError,
  OutOfStockError,
  PurchaseLimitReachedError,
  PaymentLimitExceededError,
  StateConflictError,
} from './domain/checkout-errors.ts';
import { placementEntry, type Order, type Reservation, type TimelineEntry } from './domain/order.ts';
import { orderRequestIssues, shippingZone, type FieldIssue, type OrderRequest, type RequestedItem } from './domain/order-request.ts';
import { COUPON_REJECTION_TEXT, presaleDeposit } from './domain/pricing.ts';
import { orderPlaced } from './order-events.ts';
import { joinGroup, joinRefusal, openGroup } from './domain/group-buy.ts';
import { asMember, completionEvents, groupClosed, groupToJoin, randomGroupCode } from './group-buy-placement.ts';
import type { GroupBuyPromotion } from './domain/pricing.ts';
import { countedAtPlacement, holdsOfPlacement, type HoldIncrease } from './domain/customer-holds.ts';
import {
  CouponExhaustedError,
  CustomerHoldsExceededError,
  GroupChangedError,
  RequestAlreadyPlacedError,
  StockConflictError,
  TransientConflictError,
} from './domain/order-store-errors.ts';
import type { OrderStore } from './orders-repository.ts';
import { publishCommitted, silentLog, type LogPort } from './outbox.ts';
import { encryptPersonalData, personalDataOf, type PersonalData, type PersonalDataCipher } from './personal-data.ts';
import { PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { holdsSplitStock, priceRequestedBasket, REFUSAL_MAX_AGE_MS, type PriceDeps } from './price-basket.ts';
import { riskSignals } from './risk-signals.ts';
import type { CheckoutSettings } from './settings.ts';

/** Payments' limits (PAY-1) through payments' limits-contract.ts: the configured limits and a customer's committed totals of today. */
export interface PaymentLimitsPort {
  /** The configured payment provider: only its methods are offered (PAY-1). */
  readonly provider: ProviderName;
  readonly limits: PaymentLimits;
  todayTotals(customerId: string, now: Date): Promise<DailyTotals>;
}

/** Ports and settings of {@link placeOrder}. */
export interface PlaceOrderDeps extends PriceDeps {
  readonly orders: OrderStore;
  readonly cipher: PersonalDataCipher;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId: (at?: Date) => string;
  readonly settings: CheckoutSettings;
  /** PAY-1: payment limits checked before anything is written. */
  readonly paymentLimits: PaymentLimitsPort;
  /** The key of the pseudonymous risk signals (risk-signal-key.ts: Secrets Manager outside dev); asked once the request is known to be valid. */
  readonly riskSignalKey: () => Promise<string>;
  /** Known shipping regions and the distances between them (catalog settings). */
  readonly regions: readonly string[];
  readonly distances: RegionDistances;
  readonly log?: LogPort;
  /** Waits between conflict retries (tests pass a fast one). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** New group-buy codes (default: 8 random Crockford base-32 characters). */
  readonly newGroupCode?: () => string;
}

/** One request to place an order. */
export interface PlaceOrderCommand {
  readonly customerId: string;
  readonly request: OrderRequest;
  /** The request's Idempotency-Key (ORD-7). */
  readonly idempotencyKey?: string;
  /** `x-device-id` header (risk signal). */
  readonly deviceId?: string;
  /** The request's source IP (hashed into a risk signal). */
  readonly sourceIp?: string;
  readonly correlationId: string;
}

/** The placed order. */
export interface PlaceOrderResult {
  readonly order: Order;
  readonly timeline: readonly TimelineEntry[];
  /** The personal data in clear, for the response to its own customer. */
  readonly personal: PersonalData;
  /** False when this request had placed the order before (a retry). */
  readonly created: boolean;
}

/** DynamoDB transactions hold at most 100 items. */
const MAX_TRANSACTION_ITEMS = 100;
/** Transaction conflicts retried before answering 409 (each wait grows, with jitter). */
const MAX_CONFLICT_RETRIES = 40;

/** The wait after a transaction conflict (full jitter; mean 10 ms at first, ≤ 160 ms). */
const CONFLICT_BACKOFF = { baseMs: 20, maxMs: 320 };

/** Canonical JSON (RFC 8785) → SHA-256: the request body's fingerprint for the request marker. */
export function requestFingerprint(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Out of stock, naming the SKUs that are short (ORD-4). */
export function outOfStock(shortages: ReadonlyArray<{ sku: string; requested: number; available: number }>, request: OrderRequest): OutOfStockError {
  const errors: FieldIssue[] = shortages.map((s) => {
    const index = request.items.findIndex((i) => i.sku === s.sku);
    return { path: `body.items[${index}].quantity`, message: `${s.sku}: ${s.requested} requested, ${Math.max(0, s.available)} available` };
  });
  return new OutOfStockError(`Not enough stock for: ${shortages.map((s) => s.sku).join(', ')}.`, errors);
}

function plan(
  deps: PlaceOrderDeps,
  request: OrderRequest,
  entries: Map<string, CatalogEntry>,
  warehouses: Awaited<ReturnType<PriceDeps['catalog']['warehouses']>>,
  orderId: string,
): Reservation[] {
  const levels = [...entries.values()].flatMap((e) => e.stock);
  const result = planAllocation({
    lines: request.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    // A hot SKU's stock split into buckets: one reservation comes from one holder (a bucket or the counter).
    stock: levels.map((s) => ({ sku: s.sku, warehouseId: s.warehouseId, available: reservableAtOnce(s) })),
    // New orders reserve only from active warehouses (ops switch one off with PUT /admin/warehouses/{id}).
    warehouses: warehouses.filter((w) => w.active).map((w) => ({ warehouseId: w.warehouseId, region: w.region })),
    shippingRegion: shippingZone(request.shippingAddress),
    distances: deps.distances,
  });
  if (!result.ok) {
    if (result.shortages.length > 0) throw outOfStock(result.shortages, request);
    throw new OutOfStockError('The items cannot be supplied together right now.');
  }
  const levelOf = (sku: string, warehouseId: string) => levels.find((l) => l.sku === sku && l.warehouseId === warehouseId);
  return result.allocations.flatMap((a) =>
    a.lines.map((l) => {
      const bucket = holderBucket(levelOf(l.sku, a.warehouseId), l.quantity, orderId);
      return { sku: l.sku, warehouseId: a.warehouseId, quantity: l.quantity, ...(bucket === undefined ? {} : { bucket }) };
    }),
  );
}

/** The order this request placed before, when there is one (a retry); the same key with another body is refused. */
async function placedBefore(deps: PlaceOrderDeps, command: PlaceOrderCommand, bodyHash: string): Promise<PlaceOrderResult | undefined> {
  if (!command.idempotencyKey) return undefined;
  const marker = await deps.orders.findRequest(command.customerId, command.idempotencyKey);
  if (!marker) return undefined;
  if (marker.bodyHash !== bodyHash) throw new IdempotencyKeyReusedError();
  const existing = await deps.orders.get(marker.orderId);
  if (!existing) return undefined;
  return { order: existing.order, timeline: existing.timeline, personal: personalDataOf(command.request.shippingAddress, command.request.contactEmail), created: false };
}

/** Which cap the placement hit, for the problem's detail (read after the transaction refused it). */
async function holdsExceededDetail(deps: PlaceOrderDeps, customerId: string, wanted: HoldIncrease): Promise<string> {
  const held = await deps.orders.customerHolds(customerId);
  if (wanted.openUnpaid.add > 0 && held.openUnpaid + wanted.openUnpaid.add > wanted.openUnpaid.cap) {
    return `You have ${held.openUnpaid} unpaid orders; at most ${wanted.openUnpaid.cap} may await payment at once. Pay or cancel one first.`;
  }
  const sku = wanted.units.find((u) => (held.reserved.get(u.sku) ?? 0) + u.add > u.cap);
  if (sku) return `Your open orders already hold ${held.reserved.get(sku.sku) ?? 0} units of ${sku.sku}; at most ${sku.cap} may be held at once.`;
  return 'A per-customer purchase limit was reached; retry.';
}

/** Places the order (see the module documentation). */
export async function placeOrder(deps: PlaceOrderDeps, command: PlaceOrderCommand): Promise<PlaceOrderResult> {
  try {
    return await placeOnce(deps, command);
  } catch (error) {
    // A retry of a request that placed its order may now find the coupon used or the stock gone:
    // the first result stands (ORD-7). Checked only on a conflict, so the common path pays nothing.
    if (error instanceof CheckoutConflictError) {
      const before = await placedBefore(deps, command, requestFingerprint(command.request));
      if (before) return before;
    }
    throw error;
  }
}

async function placeOnce(deps: PlaceOrderDeps, command: PlaceOrderCommand): Promise<PlaceOrderResult> {
  const { request, customerId } = command;
  const { settings } = deps;
  const log = deps.log ?? silentLog;
  const sleep = deps.sleep ?? sleepMs;
  const issues = orderRequestIssues(request, { regions: deps.regions, maxOrderLines: settings.maxOrderLines, maxLineQuantity: settings.maxLineQuantity });
  if (issues.length > 0) throw new InvalidCheckoutRequestError(issues);
  if (!providerTakes(deps.paymentLimits.provider, request.payment.method)) {
    const offered = offeredMethods(deps.paymentLimits.provider, deps.paymentLimits.limits).map((m) => m.method);
    throw new InvalidCheckoutRequestError([{ path: 'body.payment.method', message: `Not offered by this shop; one of: ${offered.join(', ')} (GET /payment-methods)` }]);
  }

  const now = deps.clock.now();
  const orderType = request.orderType ?? 'regular';
  const groupItem = request.items[0] as RequestedItem;
  const joining = orderType === 'group-buy' && request.groupBuy?.code !== undefined ? await groupToJoin(deps.orders, request.groupBuy.code, groupItem.sku, now) : undefined;
  // Today's committed payments are read alongside pricing, but awaited only after it, so a client
  // error found while pricing (unknown SKU, unknown coupon) answers first.
  const committedToday = deps.paymentLimits.todayTotals(customerId, now);
  committedToday.catch(() => undefined);
  const [{ priced, entries, context, promotions }, cachedWarehouses] = await Promise.all([
    priceRequestedBasket(deps, {
      customerId,
      items: request.items,
      ...(request.couponCode !== undefined ? { couponCode: request.couponCode } : {}),
      shippingRegion: shippingZone(request.shippingAddress),
      ...(orderType === 'group-buy' ? { groupBuy: joining ? { promotionId: joining.promotionId } : {} } : {}),
      now,
      settings,
    }),
    deps.catalog.warehouses(),
  ]);
  // Stock in a warehouse the cached list does not know yet (one ops just opened): read the list afresh.
  const warehouses = stockedOutside(entries.values(), cachedWarehouses) ? await deps.catalog.warehouses({ fresh: true }) : cachedWarehouses;
  if (priced.coupon && !priced.coupon.applied) {
    throw new CouponNotApplicableError(COUPON_REJECTION_TEXT[priced.coupon.reason ?? 'no-eligible-items']);
  }
  let groupPromotion: GroupBuyPromotion | undefined;
  if (orderType === 'group-buy') {
    const applied = priced.discounts.find((d) => d.kind === 'group-price');
    groupPromotion = promotions.find((p): p is GroupBuyPromotion => p.kind === 'group-buy' && p.promotionId === applied?.id);
    if (!groupPromotion && joining) throw groupClosed('offer-ended');
    if (!groupPromotion) throw new GroupBuyUnavailableError(`No group-buy offer runs for ${groupItem.sku} now.`);
  }
  const { deposit, balance } =
    orderType === 'pre-sale' ? presaleDeposit(priced.total, settings.presaleDepositBasisPoints) : { deposit: priced.total, balance: zero(priced.currency) };
  // PAY-1: the per-order limit applies to the whole order, the daily limits to what is due now.
  const limitCheck = checkPaymentLimits({
    method: request.payment.method,
    amount: deposit.amount,
    orderAmount: priced.total.amount,
    currency: deposit.currency,
    today: await committedToday,
    limits: deps.paymentLimits.limits,
  });
  if (!limitCheck.ok) {
    log.info('order refused: payment limit', { violation: limitCheck.violation, method: request.payment.method });
    throw new PaymentLimitExceededError(limitCheck.message);
  }
  const orderId = deps.newId(now);
  let reservations: Reservation[];
  try {
    reservations = plan(deps, request, entries, warehouses, orderId);
  } catch (error) {
    // A split SKU's levels may be remembered (price-basket.ts): refuse only on levels read a moment ago.
    if (!(error instanceof OutOfStockError) || ![...entries.values()].some(holdsSplitStock)) throw error;
    const recent = await deps.catalog.entries(
      request.items.map((i) => i.sku),
      { maxAgeMs: REFUSAL_MAX_AGE_MS },
    );
    reservations = plan(deps, request, recent, warehouses, orderId);
  }

  const placedAt = now.toISOString();
  const newGroupCode = deps.newGroupCode ?? randomGroupCode;
  const opensGroup = (promotion: GroupBuyPromotion) => openGroup({ code: newGroupCode(), promotion, orderId, now });
  let group = joining ? joinGroup(joining, orderId, now) : groupPromotion ? opensGroup(groupPromotion) : undefined;
  const paymentWindowEnds = new Date(now.getTime() + settings.paymentWindowMinutes * 60_000).toISOString();
  const personal = personalDataOf(request.shippingAddress, request.contactEmail);
  const couponCode = priced.coupon?.applied ? priced.coupon.code : undefined;
  let order: Order = {
    orderId,
    customerId,
    orderType,
    status: 'PLACED',
    version: 1,
    currency: priced.currency,
    lines: priced.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      category: l.category,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      ...(l.flashPrice ? { flashPrice: l.flashPrice } : {}),
      lineSubtotal: l.lineSubtotal,
      lineDiscount: l.lineDiscount,
      lineTotal: l.lineTotal,
      weightGrams: l.weightGrams,
    })),
    discounts: priced.discounts,
    subtotal: priced.subtotal,
    discountTotal: priced.discountTotal,
    shippingFee: priced.shippingFee,
    total: priced.total,
    amountDue: deposit,
    balanceDue: balance,
    ...(couponCode ? { couponCode } : {}),
    payment: { method: request.payment.method, status: 'awaiting', authorized: zero(priced.currency), paymentIds: [] },
    shippingRegion: shippingZone(request.shippingAddress),
    shippingCountry: request.shippingAddress.country,
    ...(request.billingRegion ? { billingRegion: request.billingRegion } : {}),
    reservations,
    placedAt,
    paymentDueBy: paymentWindowEnds,
    shipments: [],
    personal: await encryptPersonalData(deps.cipher, orderId, customerId, personal),
    updatedAt: placedAt,
  };
  order = asMember(order, group, paymentWindowEnds);
  order = { ...order, heldByCustomer: countedAtPlacement(order) };
  // SEC-5: one order alone may not exceed a per-SKU cap (the transaction checks what is held already).
  const holds = (o: Order) => holdsOfPlacement(o, promotions, now, settings.holdLimits);
  const overCap = holds(order).units.find((u) => u.add > u.cap);
  if (overCap) throw new PurchaseLimitReachedError(`One customer may hold at most ${overCap.cap} units of ${overCap.sku} at once; this order asks for ${overCap.add}.`);
  const signals = riskSignals(await deps.riskSignalKey(), {
    email: request.contactEmail,
    address: request.shippingAddress,
    ...(command.deviceId ? { deviceId: command.deviceId } : {}),
    ...(command.sourceIp ? { sourceIp: command.sourceIp } : {}),
    ...(request.payment.token ? { paymentToken: request.payment.token } : {}),
  });
  const bodyHash = requestFingerprint(request);
  // SEC-2: the token leaves checkout only sealed for payments (the event, its outbox copy, the archive, queues).
  const sealedToken = request.payment.token
    ? (await deps.cipher.encryptFields({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: orderId }, { [PAYMENT_TOKEN_SEAL.field]: request.payment.token }))[PAYMENT_TOKEN_SEAL.field]
    : undefined;
  const coupon = couponCode && context.coupon ? { code: couponCode, perCustomerLimit: context.coupon.definition.perCustomerLimit } : undefined;

  let replans = 0;
  let conflicts = 0;
  for (;;) {
    // Every reservation is two items (stock item + the order's reservation record); catalog caps
    // them per order so that allocation and cancellation fit one transaction too.
    const itemCount = 3 + (command.idempotencyKey ? 1 : 0) + ITEMS_PER_STOCK_OPERATION * order.reservations.length + (coupon ? 2 : 0) + (group ? 1 : 0); // order, customer holds, outbox
    if (order.reservations.length > MAX_RESERVATIONS_PER_ORDER || itemCount > MAX_TRANSACTION_ITEMS)
      throw new StateConflictError('This order needs stock from too many warehouses at once; split it into smaller orders.');
    const events = [orderPlaced(order, signals, sealedToken), ...completionEvents(group, orderId)];
    try {
      const outboxKey = await deps.orders.place({
        order,
        ...(command.idempotencyKey ? { request: { customerId, idempotencyKey: command.idempotencyKey, bodyHash } } : {}),
        ...(coupon ? { coupon } : {}),
        holds: holds(order),
        ...(group ? { group: joining ? { joins: group, membersBefore: group.members.length - 1 } : { opens: group } } : {}),
        outbox: { events, correlationId: command.correlationId },
      });
      await publishCommitted({ orders: deps.orders, events: deps.events, log }, outboxKey, events);
      return { order, timeline: [placementEntry(order)], personal, created: true };
    } catch (error) {
      if (error instanceof StockConflictError) {
        if (replans >= settings.maxReplans) {
          log.warn('stock kept changing while placing an order', { replans });
          throw new OutOfStockError(`Stock of ${[...new Set(error.failed.map((f) => f.sku))].join(', ')} is changing fast; retry.`, [], true);
        }
        replans++;
        const fresh = await deps.catalog.entries(
          request.items.map((i) => i.sku),
          { fresh: true },
        );
        reservations = plan(deps, request, fresh, warehouses, orderId);
        order = { ...order, reservations };
        continue;
      }
      if (error instanceof TransientConflictError) {
        conflicts++;
        if (conflicts > MAX_CONFLICT_RETRIES) {
          throw new CheckoutBusyError('These items are in very high demand right now; retry.');
        }
        await sleep(backoffDelay(conflicts, CONFLICT_BACKOFF));
        continue;
      }
      if (error instanceof GroupChangedError && group) {
        // Another member joined first (or the new code was taken): read the group again and take the next place.
        conflicts++;
        if (conflicts > MAX_CONFLICT_RETRIES) throw new CheckoutBusyError('This group is very busy right now; retry.');
        if (joining) {
          const fresh = await deps.orders.getGroup(group.code);
          const refusal = fresh ? joinRefusal(fresh, deps.clock.now()) : 'expired';
          if (refusal || !fresh) throw groupClosed(refusal ?? 'expired');
          group = joinGroup(fresh, orderId, now);
        } else if (groupPromotion) group = opensGroup(groupPromotion);
        order = { ...asMember(order, group, paymentWindowEnds), heldByCustomer: order.heldByCustomer };
        continue;
      }
      if (error instanceof RequestAlreadyPlacedError) {
        const before = await placedBefore(deps, command, bodyHash);
        if (!before) throw error;
        return before;
      }
      if (error instanceof CustomerHoldsExceededError) throw new PurchaseLimitReachedError(await holdsExceededDetail(deps, customerId, holds(order)));
      if (error instanceof CouponExhaustedError) {
        throw new CouponNotApplicableError(COUPON_REJECTION_TEXT[error.limit === 'total' ? 'usage-limit-reached' : 'customer-limit-reached']);
      }
      throw error;
    }
  }
}
