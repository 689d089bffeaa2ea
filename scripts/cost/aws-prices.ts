/**
 * AWS list prices the cost model of `npm run bench:checkout` uses: us-east-1, on-demand, no free
 * tier, first pricing tier, in US dollars per unit.
 *
 * Source: the AWS pricing pages of each service (aws.amazon.com/<service>/pricing), as listed on
 * 2025-11-01 — DynamoDB after its 1 November 2024 on-demand price reduction. Update the date and the
 * figures together; nothing else in the project holds a price.
 */
export const PRICES_AS_OF = '2025-11-01';
export const PRICES_REGION = 'us-east-1';

export const PRICES = {
  /** Lambda, Arm (functions are arm64): per request and per GB-second of duration (billed per 1 ms). */
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  /** API Gateway REST API, first 333 million requests a month. */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** DynamoDB on-demand, Standard table class: per write and per read request unit. */
  dynamodbWriteRequestUnit: 0.625 / 1e6,
  dynamodbReadRequestUnit: 0.125 / 1e6,
  /** SQS standard queue, per request (each 64 KB chunk of a payload is a request). */
  sqsRequest: 0.4 / 1e6,
  /** EventBridge, custom events put on a bus, per event (64 KB chunk); delivery to targets is free. */
  eventBridgeEvent: 1.0 / 1e6,
  /** KMS, per API request (symmetric keys). */
  kmsRequest: 0.03 / 1e4,
  /** CloudWatch Logs, standard log class, data ingested per GB. */
  cloudWatchLogsIngestedGb: 0.5,
  /** SES, outbound email, per message (attachments' data not included): the customer's messages, printed apart from the total. */
  sesEmail: 0.1 / 1000,
} as const;
