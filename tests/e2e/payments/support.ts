/**
 * Helpers for the payments e2e tests against the shared local cloud: put events on the bus as their
 * producers would (EventBridge SDK client), read and write the local DynamoDB (to inject
 * reconciliation discrepancies), invoke a function now (Lambda SDK client), staff tokens, the
 * staff payment view, and polling with a deadline.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { AnyEventDefinition, EventPayload } from '../../../events/event-definition.ts';
import type { PaymentMethod } from '../../../events/common.ts';
import { OrderPlaced } from '../../../events/order-placed.ts';
import { buildEventDetail } from '../../../shared/events.ts';
import { api, e2e, tokenFor } from '../../support/e2e.ts';

/** The bus of the dev stage (infra/platform.ts: `commerce-<stage>`). */
export const BUS_NAME = 'commerce-dev';

const clientConfig = () => {
  const env = e2e().sdkEnv;
  return { region: env.AWS_REGION as string, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string } };
};

/** Publishes an event on the bus as its producer would (validated against its contract). */
export async function putEvent<D extends AnyEventDefinition>(definition: D, payload: EventPayload<D>, eventId = ulid()): Promise<void> {
  const client = new EventBridgeClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_EVENTBRIDGE });
  try {
    const detail = buildEventDetail(definition, payload, { correlationId: `e2e-pay-${ulid()}`, occurredAt: new Date().toISOString(), eventId });
    const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: definition.source, DetailType: definition.name, Detail: JSON.stringify(detail) }] }));
    if (result.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  } finally {
    client.destroy();
  }
}

let doc: DynamoDBDocumentClient | undefined;
/** A document client on the local cloud's DynamoDB. */
export function dynamo(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_DYNAMODB }), { marshallOptions: { removeUndefinedValues: true } });
  return doc;
}

/** The local table names (payments, the sandbox provider's, …). */
export const tables = () => e2e().tables as unknown as Record<string, string>;

/** Runs a function of the local cloud now, by logical id; returns its JSON result. */
export async function invoke(logicalId: string, event: unknown = {}): Promise<Record<string, unknown>> {
  const client = new LambdaClient({ ...clientConfig(), endpoint: e2e().sdkEnv.AWS_ENDPOINT_URL_LAMBDA });
  try {
    const result = await client.send(new InvokeCommand({ FunctionName: logicalId, Payload: Buffer.from(JSON.stringify(event)) }));
    const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
    if (result.FunctionError) throw new Error(`${logicalId} failed: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } finally {
    client.destroy();
  }
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

/** The staff view of an order's payment. */
export type PaymentView = {
  payment: { status: string; paymentId: string; providerPaymentId?: string; capturedAmount: number; refundedAmount: number; captureOn?: string; failureReason?: string; amount: number };
  balances: { held: number; captured: number; refunded: number; fees: number; netPaid: number; balanced: boolean };
  ledger: Array<{ kind: string; movementId: string; amount: number; providerTransactionId?: string }>;
  refunds: Array<{ refundId: string; status: string }>;
};

/** `GET /admin/payments/{orderId}` as ops (undefined while payments does not know the order). */
export async function paymentView(orderId: string): Promise<PaymentView | undefined> {
  const res = await api(`/admin/payments/${orderId}`, { token: await tokenFor('e2e-payments-ops', ['ops']) });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET /admin/payments/${orderId} → ${res.status} ${res.text}`);
  return res.json as unknown as PaymentView;
}

/** Waits until the order's payment is in one of `statuses`. */
export function untilPayment(orderId: string, statuses: string[], deadlineMs = 30_000) {
  return poll(() => paymentView(orderId), (v) => v !== undefined && statuses.includes(v.payment.status), deadlineMs);
}

const hex = (seed: string) => Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);

/** An order of the test (checkout is stood in for by its events). */
export interface E2eOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly method: PaymentMethod;
  readonly amount: number;
  readonly token?: string;
}

/** A new order of `amount` paid with `method`. */
export function newOrder(method: PaymentMethod, amount: number, token?: string): E2eOrder {
  const orderId = ulid();
  return { orderId, customerId: `e2e-pay-${orderId}`, method, amount, token: token ?? (method === 'card' ? 'tok_visa' : method === 'wallet' ? 'tok_wallet' : undefined) };
}

/** OrderPlaced as checkout publishes it. */
export function orderPlaced(o: E2eOrder): EventPayload<typeof OrderPlaced> {
  const money = { amount: o.amount, currency: 'CNY' };
  return {
    ...OrderPlaced.example,
    orderId: o.orderId,
    customerId: o.customerId,
    paymentMethod: o.method,
    ...(o.token ? { paymentToken: o.token } : {}),
    lines: [{ sku: 'TEA-LONGJING-250G', quantity: 1, category: 'tea', unitPrice: money, lineTotal: money }],
    subtotal: money,
    discountTotal: { amount: 0, currency: 'CNY' },
    shippingFee: { amount: 0, currency: 'CNY' },
    total: money,
    amountDue: money,
    couponCode: undefined,
    placedAt: new Date().toISOString(),
    paymentDueBy: new Date(Date.now() + 30 * 60_000).toISOString(),
    riskSignals: { emailDomain: 'example.cn', emailHash: hex(`e${o.orderId}`), phoneHash: hex(`p${o.orderId}`), addressHash: hex(`a${o.orderId}`), deviceId: `dev-${o.orderId}` },
  } as EventPayload<typeof OrderPlaced>;
}
