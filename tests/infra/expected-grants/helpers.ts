/** Builders for the expected grants of each function (see ../commerce-stack.test.ts). */

/** Item reads on a table, and Query on each named index. */
export const read = (table: string, indexes: string[] = []) => [
  ...['BatchGetItem', 'ConditionCheckItem', 'DescribeTable', 'GetItem', 'Query'].map((a) => `dynamodb:${a} → ${table}`),
  ...indexes.map((i) => `dynamodb:Query → ${table}/index/${i}`),
];

/** Item writes on a table. */
export const write = (table: string) => ['BatchWriteItem', 'ConditionCheckItem', 'DeleteItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a} → ${table}`);

/** Reads and writes. */
export const readWrite = (table: string, indexes: string[] = []) => [...new Set([...read(table, indexes), ...write(table)])];

/** Reads including Scan (for full-table sweeps). */
export const scan = (table: string, indexes: string[] = []) => [...read(table, indexes), `dynamodb:Scan → ${table}`, ...indexes.map((i) => `dynamodb:Scan → ${table}/index/${i}`)];

/** An SQS event source mapping's consumer permissions. */
export const consume = (queue: string) => ['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage'].map((a) => `sqs:${a} → ${queue}`);

/** Publishing domain events. */
export const publish = ['events:PutEvents → EventBus'];

/** Idempotency records. */
export const idempotency = ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a} → IdempotencyTable`);

/** Appending to the audit trail. */
export const audit = [...['GetItem', 'PutItem', 'Query', 'UpdateItem'].map((a) => `dynamodb:${a} → AuditTable`), 'dynamodb:Query → AuditTable/index/byResource'];

/** Field encryption: GenerateDataKey and/or Decrypt under the field key. */
export const fieldKey = (use: { encrypt?: boolean; decrypt?: boolean }) => [
  ...(use.encrypt ? ['kms:GenerateDataKey → FieldEncryptionKey'] : []),
  ...(use.decrypt ? ['kms:Decrypt → FieldEncryptionKey'] : []),
];
