/**
 * Use cases: read orders (`GET /orders/{orderId}`, `GET /orders`). A customer sees only their own
 * orders (anyone else's is a 404); staff see any order. The risk decision is shown to staff only.
 * Personal data is decrypted for the order's customer and for the staff roles that serve customers
 * ({@link PERSONAL_DATA_ROLES}); every staff read of it is audited first (SEC-4: who, what, when,
 * why — the why from the `x-access-reason` header). Other staff roles see the order without it.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal, Role } from '../../shared/auth.ts';
import type { Page } from '../../shared/http/pagination.ts';
import { toOrderView, type OrderSummary, type OrderView } from './domain/order-view.ts';
import type { OrderStore } from './orders-repository.ts';
import { optionalPersonal, readablePersonalData, type PersonalDataCipher } from './personal-data.ts';
import { CheckoutAccessDeniedError, CheckoutNotFoundError, InvalidCheckoutRequestError } from './domain/checkout-errors.ts';

/** Staff roles that may read an order's personal data (audited). */
export const PERSONAL_DATA_ROLES: readonly Role[] = ['ops', 'cs-agent', 'risk-analyst', 'admin'];

/** The header staff give the reason for a read of personal data in (SEC-4). */
export const ACCESS_REASON_HEADER = 'X-Access-Reason';

/** A staff read of personal data without (a valid) `X-Access-Reason`. */
export function accessReasonRequired(): InvalidCheckoutRequestError {
  return new InvalidCheckoutRequestError(
    [{ path: `headers.${ACCESS_REASON_HEADER.toLowerCase()}`, message: 'required: why you open this personal data' }],
    `Reading personal data as staff needs an ${ACCESS_REASON_HEADER} header saying why (1–200 characters, no control characters).`,
  );
}

/** Ports of {@link getOrder}. */
export interface GetOrderDeps {
  readonly orders: OrderStore;
  readonly cipher: PersonalDataCipher;
  readonly audit: AuditLog;
}

/** One order, as `principal` may see it. */
export async function getOrder(deps: GetOrderDeps, input: { orderId: string; principal: Principal; accessReason?: string; correlationId: string }): Promise<OrderView> {
  const missing = () => new CheckoutNotFoundError(`There is no order ${input.orderId}.`);
  const found = await deps.orders.get(input.orderId);
  if (!found) throw missing();
  const { order, timeline } = found;
  const { principal } = input;
  if (!principal.isStaff) {
    if (order.customerId !== principal.userId) throw missing();
    return toOrderView(order, timeline, { ...optionalPersonal(await readablePersonalData(deps.cipher, order.orderId, order.personal)), reader: 'customer' });
  }
  if (!principal.roles.some((role) => PERSONAL_DATA_ROLES.includes(role))) return toOrderView(order, timeline, { reader: 'staff' });
  // SEC-4: a staff read of personal data must say why; without a reason nothing is read.
  if (input.accessReason === undefined) throw accessReasonRequired();
  await deps.audit.record({
    actor: principal.userId,
    roles: principal.roles,
    action: 'order.read-personal-data',
    resource: { type: 'order', id: order.orderId },
    reason: input.accessReason,
    correlationId: input.correlationId,
  });
  return toOrderView(order, timeline, { ...optionalPersonal(await readablePersonalData(deps.cipher, order.orderId, order.personal)), reader: 'staff' });
}

/** A page of orders: the caller's own; staff may name a customer. No personal data. */
export async function listOrders(
  deps: { readonly orders: OrderStore },
  input: { principal: Principal; limit: number; cursor?: string; customerId?: string },
): Promise<Page<OrderSummary>> {
  const { principal } = input;
  if (input.customerId !== undefined && input.customerId !== principal.userId && !principal.isStaff)
    throw new CheckoutAccessDeniedError('Customers can list only their own orders.');
  const customerId = input.customerId ?? principal.userId;
  const page = await deps.orders.listByCustomer(customerId, { limit: input.limit, ...(input.cursor ? { cursor: input.cursor } : {}) });
  return { items: [...page.items], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
