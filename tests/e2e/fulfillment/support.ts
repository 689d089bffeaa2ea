/**
 * Helpers for the fulfillment e2e tests, against the shared local cloud:
 * - put events on the bus the way the producing capability would (EventBridge SDK client);
 * - reserve stock the way checkout does at placement (catalog's stock contract, one transaction);
 * - post signed carrier webhooks over HTTP the way a carrier would ({@link postCarrierWebhook});
 * - invoke a function now (Lambda SDK client), e.g. a scheduled sweep;
 * - poll with a deadline.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { reserveStock, type StockMovement } from '../../../functions/catalog/stock-contract.ts';
import { sandboxTrackingRequest, type CarrierTrackingEvent } from '../../../functions/fulfillment/carrier-gateway.ts';
import { SANDBOX_CARRIER_WEBHOOK_SECRET } from '../../../functions/fulfillment/settings.ts';
import type { AnyEventDefinition, EventPayload } from '../../../events/event-definition.ts';
import { buildEventDetail } from '../../../shared/events.ts';
import { api, e2e, tokenFor } from '../../support/e2e.ts';

/** The bus of the dev stage (infra/platform.ts: `commerce-<stage>`). */
export const BUS_NAME = 'commerce-dev';

const clientConfig = () => {
  const env = e2e().sdkEnv;
  return { region: env.AWS_REGION as string, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string } };
};

let doc: DynamoDBDocumentClient | undefined;
/** A document client on the local cloud's DynamoDB. */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_DYNAMODB }), { marshallOptions: { removeUndefinedValues: true } });
  return doc;
}

/** Publishes an event on the bus as its producer would (validated against its contract). */
export async function putEvent<D extends AnyEventDefinition>(definition: D, payload: EventPayload<D>): Promise<void> {
  const client = new EventBridgeClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_EVENTBRIDGE });
  const detail = buildEventDetail(definition, payload, { correlationId: `e2e-ful-${ulid()}`, occurredAt: new Date().toISOString(), eventId: ulid() });
  const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: definition.source, DetailType: definition.name, Detail: JSON.stringify(detail) }] }));
  client.destroy();
  if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
}

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

/** Runs a function of the local cloud now, by logical id; returns its JSON result. */
export async function invoke(logicalId: string, event: unknown = {}): Promise<Record<string, unknown>> {
  const client = new LambdaClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_LAMBDA });
  const result = await client.send(new InvokeCommand({ FunctionName: logicalId, Payload: Buffer.from(JSON.stringify(event)) }));
  client.destroy();
  const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) throw new Error(`${logicalId} failed: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Polls `read` until `done` holds (or the deadline passes, then returns the last value). */
export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** A staff token for the ops role. */
export function opsToken(): Promise<string> {
  return tokenFor('e2e-ops-fulfillment', ['ops']);
}

/** `GET /admin/shipments?orderId=`. */
export async function shipmentsOf(orderId: string, token: string) {
  const res = await api(`/admin/shipments?orderId=${orderId}`, { token });
  if (res.status !== 200) throw new Error(`GET /admin/shipments → ${res.status} ${res.text}`);
  return res.json as unknown as { status: string; shippedAt?: string; deliveredAt?: string; items: Array<Record<string, unknown> & { shipmentId: string; waybill: string; carrier: string; status: string; warehouseId: string }> };
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
