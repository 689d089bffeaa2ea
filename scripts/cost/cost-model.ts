/**
 * The cost of what a local cloud run consumed, at {@link PRICES}: pure arithmetic over the counts
 * the local cloud keeps (Lambda invocations and billed duration × memory, API requests, DynamoDB
 * request units, SQS requests, EventBridge entries, KMS calls, log bytes). Used by
 * `npm run bench:checkout`, which divides by the orders placed.
 */
import { PRICES } from './aws-prices.ts';

export interface Consumption {
  lambda: { invocations: number; gbSeconds: number };
  apiRequests: number;
  dynamodb: { readUnits: number; writeUnits: number; refusedWrites: number };
  sqsRequests: number;
  eventBridgeEntries: number;
  kmsRequests: number;
  logBytes: number;
}

/** Dollars per service (and the total) for a consumption. */
export function costOf(c: Consumption): Record<'Lambda' | 'API Gateway' | 'DynamoDB' | 'SQS' | 'EventBridge' | 'KMS' | 'CloudWatch Logs' | 'total', number> {
  const parts = {
    Lambda: c.lambda.invocations * PRICES.lambdaRequest + c.lambda.gbSeconds * PRICES.lambdaGbSecondArm,
    'API Gateway': c.apiRequests * PRICES.apiGatewayRestRequest,
    // A write refused by its condition still consumes (at least) one write unit; its error reports none.
    DynamoDB: (c.dynamodb.writeUnits + c.dynamodb.refusedWrites) * PRICES.dynamodbWriteRequestUnit + c.dynamodb.readUnits * PRICES.dynamodbReadRequestUnit,
    SQS: c.sqsRequests * PRICES.sqsRequest,
    EventBridge: c.eventBridgeEntries * PRICES.eventBridgeEvent,
    KMS: c.kmsRequests * PRICES.kmsRequest,
    'CloudWatch Logs': (c.logBytes / 2 ** 30) * PRICES.cloudWatchLogsIngestedGb,
  };
  return { ...parts, total: Object.values(parts).reduce((s, v) => s + v, 0) };
}

/** A consumption divided by `n` (per order). */
export function perUnit(c: Consumption, n: number): Consumption {
  return {
    lambda: { invocations: c.lambda.invocations / n, gbSeconds: c.lambda.gbSeconds / n },
    apiRequests: c.apiRequests / n,
    dynamodb: { readUnits: c.dynamodb.readUnits / n, writeUnits: c.dynamodb.writeUnits / n, refusedWrites: c.dynamodb.refusedWrites / n },
    sqsRequests: c.sqsRequests / n,
    eventBridgeEntries: c.eventBridgeEntries / n,
    kmsRequests: c.kmsRequests / n,
    logBytes: c.logBytes / n,
  };
}
