/**
 * Checkout's order contract (AFT-1): the one way another capability reads an order's facts —
 * returns, which needs what was bought, paid and delivered. Read-only, and NO personal data: the
 * order's customer id, status, lines (SKU, category, quantity, unit price and the line total after
 * every discount), the discounts, the shipping fee, what the payment authorised, the payment
 * method, when the order was delivered, its shipments (warehouse, carrier, lines) and the risk
 * decision (outcome, score, who decided). Names, phones, addresses and emails are never read (the
 * query projects them away).
 *
 * It reads the order's partition only (Query on `pk = ORDER#<orderId>`: the order item and its
 * timeline items, whose `DELIVERED` entry gives the delivery time); the caller's function needs
 * `dynamodb:Query` on the OrdersTable — nothing else of checkout's, no KMS.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus, PaymentMethod } from '../../events/common.ts';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, queryAll } from '../../shared/dynamodb.ts';
import type { Money } from '../../shared/money.ts';
import { orderKey } from './orders-repository.ts';

/** An order as returns sees it (no personal data). */
export interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly category: string; readonly quantity: number; readonly unitPrice: Money; readonly lineTotal: Money }>;
  readonly discounts: ReadonlyArray<{ readonly kind: string; readonly id: string; readonly amount: Money }>;
  readonly shippingFee: Money;
  readonly total: Money;
  /** Σ amounts the payment authorised (captured at shipment or delivery; a delivered order's is captured). */
  readonly paid: Money;
  readonly paymentMethod: PaymentMethod;
  /** When the order became DELIVERED (its timeline), absent before. */
  readonly deliveredAt?: string;
  readonly shipments: ReadonlyArray<{
    readonly shipmentId: string;
    readonly warehouseId?: string;
    readonly carrier: string;
    readonly status: string;
    readonly lines?: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  }>;
  readonly risk?: { readonly outcome: string; readonly score: number; readonly decidedBy: string };
}

type Item = Record<string, unknown>;

/** The facts of an order from the items of its partition; undefined without an order item. */
export function orderFactsOf(items: readonly Item[]): OrderFacts | undefined {
  const order = items.find((i) => i.sk === 'ORDER');
  if (!order) return undefined;
  const delivered = items.filter((i) => typeof i.sk === 'string' && i.sk.startsWith('TIMELINE#') && i.to === 'DELIVERED').map((i) => String(i.at));
  const lines = (order.lines as Item[] | undefined) ?? [];
  const payment = (order.payment as Item | undefined) ?? {};
  const risk = order.risk as Item | undefined;
  return {
    orderId: String(order.orderId),
    customerId: String(order.customerId),
    status: order.status as OrderStatus,
    currency: String(order.currency),
    lines: lines.map((l) => ({ sku: String(l.sku), category: String(l.category), quantity: Number(l.quantity), unitPrice: l.unitPrice as Money, lineTotal: l.lineTotal as Money })),
    discounts: ((order.discounts as Item[] | undefined) ?? []).map((d) => ({ kind: String(d.kind), id: String(d.id), amount: d.amount as Money })),
    shippingFee: order.shippingFee as Money,
    total: order.total as Money,
    paid: (payment.authorized as Money | undefined) ?? { amount: 0, currency: String(order.currency) },
    paymentMethod: payment.method as PaymentMethod,
    ...(delivered.length > 0 ? { deliveredAt: delivered.sort()[0] as string } : {}),
    shipments: ((order.shipments as Item[] | undefined) ?? []).map((s) => ({
      shipmentId: String(s.shipmentId),
      ...(s.warehouseId ? { warehouseId: String(s.warehouseId) } : {}),
      carrier: String(s.carrier),
      status: String(s.status),
      ...(Array.isArray(s.lines) ? { lines: (s.lines as Item[]).map((l) => ({ sku: String(l.sku), quantity: Number(l.quantity) })) } : {}),
    })),
    ...(risk ? { risk: { outcome: String(risk.outcome), score: Number(risk.score), decidedBy: String(risk.decidedBy) } } : {}),
  };
}

/** The attributes read: never `personal` (the encrypted name, phone, address and email). */
const PROJECTION = ['pk', 'sk', 'orderId', 'customerId', 'status', 'currency', 'lines', 'discounts', 'shippingFee', 'total', 'payment', 'shipments', 'risk', 'to', 'at'];

/** Reads the facts of `orderId` from `tableName` (strongly consistent). */
export async function readOrderFacts(client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, orderId: string): Promise<OrderFacts | undefined> {
  const names = Object.fromEntries(PROJECTION.map((a, i) => [`#a${i}`, a]));
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': orderKey(orderId).pk },
    ProjectionExpression: Object.keys(names).join(', '),
    ExpressionAttributeNames: names,
    ConsistentRead: true,
  });
  return orderFactsOf(items);
}

/** The contract with the real adapters: `ORDERS_TABLE_NAME`. */
export function orderFactsReaderFromEnv(): (orderId: string) => Promise<OrderFacts | undefined> {
  const tableName = requireSetting('ordersTableName');
  return (orderId) => readOrderFacts(documentClient(), tableName, orderId);
}
