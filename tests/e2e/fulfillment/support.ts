/**
 * Helpers for the fulfillment e2e tests, against the shared local cloud:
 * - reserve stock the way checkout does at placement (catalog's stock contract, one transaction);
 * - post signed carrier webhooks over HTTP the way a carrier would ({@link postCarrierWebhook});
 * - read shipments and make one overdue.
 * (Putting events on the bus, invoking a function now and polling: tests/support/e2e.ts.)
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { reserveStock, type StockMovement } from '../../../functions/catalog/stock-contract.ts';
import { sandboxTrackingRequest, type CarrierTrackingEvent } from '../../../functions/fulfillment/carrier-gateway.ts';
import { SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import { api, dynamo, e2e, tokenFor } from '../../support/e2e.ts';

/** Reserves stock for an order as checkout does at placement (catalog's reserveStock items: stock + the order's reservation records, one transaction). */
export async function reserve(orderId: string, movements: StockMovement[]): Promise<void> {
  await dynamo().send(new TransactWriteCommand({ TransactItems: movements.flatMap((m) => reserveStock(e2e().tables.catalog, { orderId, ...m }, new Date())) }));
}

/** Posts a signed tracking event to `POST /webhooks/carriers`, as the (sandbox) carrier does. */
export async function postCarrierWebhook(event: Omit<CarrierTrackingEvent, 'eventId' | 'occurredAt'> & { eventId?: string; occurredAt?: string }) {
  const full = { eventId: event.eventId ?? `e2e-${ulid()}`, occurredAt: event.occurredAt ?? new Date().toISOString(), ...event } as CarrierTrackingEvent;
  const request = sandboxTrackingRequest(full, SANDBOX_CARRIER_WEBHOOK_SECRET);
  return api('/webhooks/carriers', { method: 'POST', headers: request.headers, body: request.body });
}

/** A staff token for the ops role. */
export function opsToken(): Promise<string> {
  return tokenFor('e2e-ops-fulfillment', ['ops']);
}

/** `GET /admin/shipments?orderId=`. */
export async function shipmentsOf(orderId: string, token: string) {
  const res = await api(`/admin/shipments?orderId=${orderId}`, { token });
  if (res.status !== 200) throw new Error(`GET /admin/shipments → ${res.status} ${res.text}`);
  return res.json as unknown as {
    status: string;
    shippedAt?: string;
    deliveredAt?: string;
    items: Array<Record<string, unknown> & { shipmentId: string; waybill: string; carrier: string; status: string; warehouseId: string }>;
  };
}

/**
 * Moves a shipment's due time into the past, standing in for the days a late parcel takes (the
 * time limits are hours to days; the late sweep runs against the real clock).
 */
export async function makeOverdue(orderId: string, shipmentId: string, dueBy: Date): Promise<void> {
  const iso = dueBy.toISOString();
  await dynamo().send(
    new UpdateCommand({
      TableName: e2e().tables.fulfillment,
      Key: { pk: `ORDER#${orderId}`, sk: `SHIPMENT#${shipmentId}` },
      UpdateExpression: 'SET dueBy = :due, duePk = :pk, dueSk = :sk',
      ConditionExpression: 'attribute_exists(duePk)',
      ExpressionAttributeValues: { ':due': iso, ':pk': `DUE#${iso.slice(0, 10)}`, ':sk': `${iso}#${shipmentId}` },
    }),
  );
}
