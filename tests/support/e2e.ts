/**
 * Helpers for end-to-end tests against the shared local cloud: its URL and tokens for any user and
 * role, HTTP calls, AWS SDK clients on its services (put events on the bus, invoke a function now,
 * read DynamoDB items), polling with a deadline, and OrderPlaced payloads for orders checkout never
 * saw (a capability's side of the flow, driven by its events). Capability-specific helpers stay in
 * tests/e2e/<capability>/support.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import type { PaymentMethod } from '../../events/common.ts';
import type { AnyEventDefinition, EventPayload } from '../../events/event-definition.ts';
import { OrderPlaced, PAYMENT_TOKEN_SEAL } from '../../events/order-placed.ts';
import { createLocalIssuer } from '../../infra/local/local-issuer.ts';
import { buildEventDetail } from '../../shared/events.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';
import { kmsClient } from '../../shared/aws-json.ts';
import { responseContractViolation } from './response-contract.ts';
import type { LocalTables } from './tables.ts';

/** What the e2e global setup provides: API URL, SDK environment, issuer, pools, tables. */
export function e2e() {
  return inject('e2e');
}

/** A token as Cognito would issue it to `sub` in the pool that holds all of `roles`. */
export async function tokenFor(sub: string, roles: string[]): Promise<string> {
  const { issuerSecret, pools } = e2e();
  const pool = pools.find((p) => roles.every((r) => p.groups.includes(r)));
  if (!pool) throw new Error(`no pool holds ${roles.join(', ')}`);
  return createLocalIssuer({ secret: Buffer.from(issuerSecret, 'base64') }).mint({ sub, roles, poolId: pool.poolId, clientId: pool.clientId });
}

/** fetch against the local API with JSON in and out. */
export async function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${e2e().apiUrl}${path}`, { ...init, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // The response contract: a 2xx JSON body must match the schema its route declares.
  if (json !== undefined && !process.env.E2E_SKIP_RESPONSE_CONTRACT) {
    const violation = responseContractViolation(init.method ?? 'GET', path, response.status, json);
    if (violation) throw new Error(violation);
  }
  return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> & { items?: unknown[] } };
}

/** The local cloud's services, by the suffix of their `AWS_ENDPOINT_URL_*` variable. */
export type LocalService = 'DYNAMODB' | 'EVENTBRIDGE' | 'LAMBDA' | 'SQS' | 'KMS' | 'S3';

/** AWS SDK client configuration for a service of the local cloud (region, credentials, endpoint). */
export function sdkConfig(service: LocalService) {
  const env = e2e().sdkEnv;
  return {
    region: env.AWS_REGION as string,
    endpoint: env[`AWS_ENDPOINT_URL_${service}`] as string,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
  };
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

/** The bus of the dev stage (infra/platform.ts: `commerce-<stage>`). */
export const BUS_NAME = 'commerce-dev';

/** Publishes an event on the local bus as its producer would (validated against its contract). */
export async function putEvent<D extends AnyEventDefinition>(definition: D, payload: EventPayload<D>, options: { eventId?: string; correlationId?: string } = {}): Promise<void> {
  const client = new EventBridgeClient(sdkConfig('EVENTBRIDGE'));
  try {
    const detail = buildEventDetail(definition, payload, {
      correlationId: options.correlationId ?? `e2e-${ulid()}`,
      occurredAt: new Date().toISOString(),
      eventId: options.eventId ?? ulid(),
    });
    const result = await client.send(
      new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: definition.source, DetailType: definition.name, Detail: JSON.stringify(detail) }] }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  } finally {
    client.destroy();
  }
}

/** Runs a function of the local cloud now, by logical id (Lambda API); returns its JSON result. */
export async function invoke(logicalId: string, event: unknown = {}): Promise<Record<string, unknown>> {
  const client = new LambdaClient(sdkConfig('LAMBDA'));
  try {
    const result = await client.send(new InvokeCommand({ FunctionName: logicalId, Payload: Buffer.from(JSON.stringify(event)) }));
    const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
    if (result.FunctionError) throw new Error(`${logicalId} failed: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } finally {
    client.destroy();
  }
}

let sealer: FieldEncryptor | undefined;
/** A payment token sealed as checkout seals it for OrderPlaced (the local cloud's KMS key). */
export function sealPaymentToken(orderId: string, token: string): Promise<string> {
  sealer ??= new FieldEncryptor({ kms: kmsKeyProvider(kmsClient(sdkConfig('KMS'))), keyId: e2e().fieldKeyId });
  return sealer.encrypt({ entity: PAYMENT_TOKEN_SEAL.entity, recordId: orderId, field: PAYMENT_TOKEN_SEAL.field }, token);
}

let doc: DynamoDBDocumentClient | undefined;
/** A document client on the local cloud's DynamoDB (one per test file). */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient(sdkConfig('DYNAMODB')), { marshallOptions: { removeUndefinedValues: true } });
  return doc;
}

/** The local table names by short name (`catalog`, `orders`, … and any other table of the app). */
export const tables = () => e2e().tables as LocalTables & Record<string, string>;

/** One raw item, straight from DynamoDB (consistent read). */
export async function getItem(tableName: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  return (await dynamo().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

// Padded with `f`, not `0`: a run of zeros after a seed ending in e.g. "A9" (hex …4139) once spelled a
// phone number of the SEC-2 sweep's list ("13900000000"), a false positive.
const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, 'f').slice(0, 64);

/**
 * An OrderPlaced payload as checkout publishes it, for an order checkout never saw: one line of
 * tea for `amount`, due now, with pseudonymous signals unique to the order. Other capabilities
 * ignore what they cannot match.
 */
export function orderPlacedPayload(order: {
  orderId: string;
  customerId: string;
  amount: number;
  paymentMethod: PaymentMethod;
  sealedPaymentToken?: string;
  emailDomain?: string;
  deviceId?: string;
}): EventPayload<typeof OrderPlaced> {
  const { orderId } = order;
  const money = { amount: order.amount, currency: 'CNY' };
  return {
    ...OrderPlaced.example,
    orderId,
    customerId: order.customerId,
    paymentMethod: order.paymentMethod,
    ...(order.sealedPaymentToken ? { sealedPaymentToken: order.sealedPaymentToken } : {}),
    lines: [{ sku: 'TEA-LONGJING-250G', quantity: 1, category: 'tea', unitPrice: money, lineTotal: money }],
    subtotal: money,
    discountTotal: { amount: 0, currency: 'CNY' },
    shippingFee: { amount: 0, currency: 'CNY' },
    total: money,
    amountDue: money,
    couponCode: undefined,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 30 * 60_000).toISOString(),
    riskSignals: {
      emailDomain: order.emailDomain ?? 'example.cn',
      emailHash: hex(`e${orderId}`),
      phoneHash: hex(`p${orderId}`),
      addressHash: hex(`a${orderId}`),
      deviceId: order.deviceId ?? `dev-${orderId}`,
    },
  } as EventPayload<typeof OrderPlaced>;
}

/**
 * A listing of the test's own in `category` at `amount` fen with 5 in stock at WH-EAST (through
 * catalog's staff API), then a new customer who prices it (POST /quotes) and orders one, paying by
 * card. Returns the SKU, the customer's token and the POST /orders response.
 */
export async function quotedCardOrder(ops: string, listing: { category: string; amount: number; label: string }) {
  const sku = `E2E-${listing.label.toUpperCase()}-${ulid()}`;
  const product = await api(`/admin/products/${sku}`, {
    method: 'PUT',
    token: ops,
    json: {
      name: `测试 ${sku}`,
      category: listing.category,
      price: { amount: listing.amount, currency: 'CNY' },
      attributes: { weightGrams: 300, valueClass: 'low' },
      reason: 'e2e fixture',
    },
  });
  if (product.status !== 201) throw new Error(`PUT /admin/products → ${product.status} ${product.text}`);
  const stock = await api(`/admin/stock/${sku}/WH-EAST`, { method: 'PUT', token: ops, json: { onHand: 5, reason: 'e2e fixture' } });
  if (stock.status !== 200) throw new Error(`PUT /admin/stock → ${stock.status} ${stock.text}`);
  const customer = await tokenFor(`e2e-${listing.label}-${ulid()}`, ['customer']);
  const quote = await api('/quotes', { method: 'POST', token: customer, json: { items: [{ sku, quantity: 1 }] } });
  if (quote.status !== 200) throw new Error(`POST /quotes → ${quote.status} ${quote.text}`);
  const placed = await api('/orders', {
    method: 'POST',
    token: customer,
    headers: { 'Idempotency-Key': ulid(), 'x-device-id': `dev-${ulid()}` },
    json: {
      items: [{ sku, quantity: 1 }],
      shippingAddress: { name: '王芳', phone: '+86 139 0000 0000', line1: `西湖区测试路${ulid()}号`, city: '杭州', region: 'east', postalCode: '310000', country: 'CN' },
      contactEmail: `${listing.label}.${ulid().toLowerCase()}@example.cn`,
      payment: { method: 'card', token: 'tok_visa' },
    },
  });
  return { sku, customer, placed };
}
