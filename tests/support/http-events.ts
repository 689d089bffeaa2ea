/**
 * Synthetic API Gateway (REST, proxy) events and Lambda contexts for driving handlers in unit and
 * integration tests, shaped like the events API Gateway and the local cloud send.
 */
import type { APIGatewayProxyEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** Options of {@link apiEvent}. */
export interface ApiEventOptions {
  method?: string;
  path?: string;
  resource?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-serialised (and content-type set). */
  body?: unknown;
  /** Authorizer claims; omit for an unauthenticated request. */
  claims?: Record<string, string>;
  requestId?: string;
}

/**
 * The staff pool's issuer in unit and integration tests: vitest.config.ts gives handlers run
 * in-process this `STAFF_POOL_ISSUER`, as the stack gives every API function its staff pool's.
 */
export const TEST_STAFF_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_StaffPoolTest';
/** The customer pool's issuer in unit and integration tests. */
export const TEST_CUSTOMER_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_CustomerPoolTest';

/**
 * Claims as API Gateway's Cognito authorizer passes them (groups comma-joined), issued by the pool
 * that holds the roles: the staff pool for staff roles, the customer pool otherwise.
 */
export function claimsFor(sub: string, ...roles: string[]): Record<string, string> {
  const staff = roles.some((role) => role !== 'customer');
  return { sub, 'cognito:groups': roles.join(','), token_use: 'id', iss: staff ? TEST_STAFF_ISSUER : TEST_CUSTOMER_ISSUER };
}

/** An API Gateway REST proxy event. */
export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { Host: 'api.example.test', ...(options.headers ?? {}) };
  let body: string | null = null;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const path = options.path ?? '/';
  const requestId = options.requestId ?? `req-${Math.random().toString(36).slice(2)}`;
  return {
    resource: options.resource ?? path,
    path,
    httpMethod: options.method ?? 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    isBase64Encoded: false,
    body,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: options.claims ? { claims: options.claims } : null,
      protocol: 'HTTP/1.1',
      httpMethod: options.method ?? 'GET',
      identity: { sourceIp: '127.0.0.1', userAgent: 'vitest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/test${path}`,
      stage: 'test',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'r',
      resourcePath: options.resource ?? path,
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** A Lambda context with `remainingMs` left. */
export function lambdaContext(remainingMs = 29_000, functionName = 'test-function'): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `aws-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An SQS record whose body is `body` (JSON-serialised unless a string). */
export function sqsRecord(body: unknown, messageId = `msg-${Math.random().toString(36).slice(2)}`): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:queue',
    awsRegion: 'us-east-1',
  };
}

/** An SQS event of records. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** An EventBridge event as a rule delivers it to SQS. */
export function eventBridgeEvent(detailType: string, source: string, detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** Parses a proxy result's JSON body. */
export function jsonBody<T = Record<string, unknown>>(result: { body?: string }): T {
  return JSON.parse(result.body ?? '') as T;
}
