/**
 * `GET /orders/{orderId}` — own order (customer) or any order (staff; personal-data reads audited).
 * Env: `ORDERS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID`, `AUDIT_TABLE_NAME`.
 */
import type { AuditLog } from '../../../shared/audit.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { checkoutHttpHandler } from './problems.ts';
import { auditLog, orderStore, personalDataCipher } from '../adapters.ts';
import { getOrder } from '../get-order.ts';
import type { OrderStore } from '../orders-repository.ts';
import type { PersonalDataCipher } from '../personal-data.ts';
import { getOrderRoute } from '../routes.ts';

/** `x-access-reason`: why staff open the order (1–200 characters, no control characters). */
function validReason(value: string): boolean {
  if (value.length === 0 || value.length > 200) return false;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** Ports of the handler; each defaults to the real adapter. */
export interface GetOrderHandlerPorts {
  readonly orders?: () => OrderStore;
  readonly cipher?: () => PersonalDataCipher;
  readonly audit?: () => AuditLog;
}

/** Builds the handler with the given ports. */
export function makeGetOrderHandler(ports: GetOrderHandlerPorts = {}): HttpLambdaHandler {
  return checkoutHttpHandler(getOrderRoute, async ({ path, principal, correlationId, event }) => {
    const reason = event.headers?.['x-access-reason'];
    const view = await getOrder(
      { orders: (ports.orders ?? orderStore)(), cipher: (ports.cipher ?? personalDataCipher)(), audit: (ports.audit ?? auditLog)() },
      { orderId: path.orderId, principal, ...(reason !== undefined && validReason(reason) ? { accessReason: reason } : {}), correlationId },
    );
    return { statusCode: 200, body: view };
  });
}

/** The Lambda handler. */
export const handler = makeGetOrderHandler();
