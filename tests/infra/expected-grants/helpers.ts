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

/** Publishing domain events: on the bus, and only under the given sources (IAM `events:source`; RISK-7 least privilege). */
export const publish = (...sources: string[]) => [`events:PutEvents → EventBus if StringEquals events:source=${[...sources].sort().join('|')}`];

/**
 * Appending to the audit trail (SEC-4): items of the chain partition only, no DeleteItem, no Query
 * (only the verifier reads the chain), and GenerateMac with the audit HMAC key only.
 */
export const audit = [
  ...['GetItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a} → AuditTable if ForAllValues:StringEquals dynamodb:LeadingKeys=CHAIN`),
  'kms:GenerateMac → AuditMacKey',
];

/** Reading and verifying the whole audit chain (the scheduled verifier): VerifyMac only. */
export const auditVerify = [...['GetItem', 'Query'].map((a) => `dynamodb:${a} → AuditTable`), 'dynamodb:Query → AuditTable/index/byResource', 'kms:VerifyMac → AuditMacKey'];

/**
 * Field encryption: GenerateDataKey and/or Decrypt under the field key, only for data keys of the
 * given entity kinds (the KMS encryption context `{ purpose: 'field-encryption', entity }`; SEC-2).
 */
export const fieldKey = (use: { encrypt?: boolean; decrypt?: boolean; entities: string[] }) => {
  const condition = ` if StringEquals kms:EncryptionContext:entity=${[...use.entities].sort().join('|')}; StringEquals kms:EncryptionContext:purpose=field-encryption`;
  const customerKeysOnly = ` if ForAnyValue:StringEquals kms:EncryptionContextKeys=customer; StringEquals kms:EncryptionContext:entity=${[...use.entities].sort().join('|')}; StringEquals kms:EncryptionContext:purpose=field-encryption`;
  return [
    ...(use.encrypt ? [`kms:GenerateDataKey → FieldEncryptionKey${condition}`] : []),
    ...(use.decrypt ? [`kms:Decrypt → FieldEncryptionKey${condition}`] : []),
    // The customer keyring (SEC-3): read a customer's wrapped key; to encrypt, create it on first use
    // and unwrap an existing one (an encrypt-only function: customer keys only).
    ...(use.encrypt && !use.decrypt ? [`kms:Decrypt → FieldEncryptionKey${customerKeysOnly}`] : []),
    'dynamodb:GetItem → CustomerKeyTable',
    ...(use.encrypt ? ['dynamodb:UpdateItem → CustomerKeyTable'] : []),
  ];
};

/** Reading one Secrets Manager secret by name (any version suffix). */
export const secret = (name: string) => `secretsmanager:GetSecretValue → arn:AWS::Partition:secretsmanager:AWS::Region:AWS::AccountId:secret:${name}-??????`;

/** Idempotency records, and the field key for their sealed responses (entity `idempotency-response` only). */
export const idempotency = [
  ...['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a} → IdempotencyTable`),
  ...fieldKey({ encrypt: true, decrypt: true, entities: ['idempotency-response'] }),
];
