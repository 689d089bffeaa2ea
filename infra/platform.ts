/**
 * What every capability builds on: the field-encryption key, the event bus and its archive, the
 * idempotency table, the API and sign-in, and the shared failure queues; plus the helpers that
 * create a function with the house defaults and grant it, by name, exactly what it uses (publishing
 * only under its capability's event sources, field keys only for its entity kinds).
 */
import { Duration, NestedStack } from 'aws-cdk-lib';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AnyEventDefinition } from '../events/event-definition.ts';
import { FIELD_ENCRYPTION_PURPOSE } from '../shared/field-encryption.ts';
import { IDEMPOTENCY_ENTITY } from '../shared/idempotency.ts';
import { AUDIT_CHAIN_PARTITION } from '../shared/audit.ts';
import { SeverityTopics } from './constructs/alarms.ts';
import { CommerceApi } from './constructs/commerce-api.ts';
import { CommerceTable } from './constructs/commerce-table.ts';
import { Identity } from './constructs/identity.ts';
import { deadLetterQueue, nameFunction, stableLogicalId } from './constructs/messaging.ts';
import { acknowledge } from './constructs/nag.ts';
import { ServiceFunction, type ServiceFunctionProps } from './constructs/service-function.ts';
import type { StageSettings } from './stage.ts';

/** See the module documentation. */
export class Platform extends Construct {
  readonly stage: StageSettings;
  readonly key: Key;
  /** The HMAC key the audit chain is MACed with (SEC-4): writers GenerateMac, the verifier VerifyMac. */
  readonly auditMacKey: Key;
  readonly bus: EventBus;
  readonly idempotencyTable: CommerceTable;
  /** The tamper-evident audit trail of staff actions (SEC-4). */
  readonly auditTable: CommerceTable;
  /**
   * The customer keyring (SEC-3 crypto-shredding, shared/customer-keys.ts): each customer's wrapped
   * data keys; erasure replaces a customer's item by a tombstone. No point-in-time recovery and in no
   * backup plan, deliberately: a restored key record would resurrect erased personal data. The
   * cost: losing this table loses every customer's personal data (orders keep amounts, SKUs and
   * dates); deletion protection and RETAIN guard it outside dev. Read by every function that
   * uses field encryption ({@link useFieldEncryption}); the privacy capability erases.
   */
  readonly customerKeyTable: CommerceTable;
  readonly identity: Identity;
  readonly api: CommerceApi;
  /** Failed asynchronous invocations of any function (on-failure destination records). */
  readonly asyncFailures: Queue;
  /** Events EventBridge could not deliver to a target after its retries. */
  readonly eventDeliveryFailures: Queue;
  /** The alarm topics, one per incident severity, and the house way to make an alarm (OPS-1, RISK-3). */
  readonly alarms: SeverityTopics;

  constructor(scope: Construct, id: string, stage: StageSettings) {
    super(scope, id);
    this.stage = stage;
    this.key = new Key(this, 'FieldEncryptionKey', {
      description: 'Envelope encryption of personal-data fields (SEC-2)',
      enableKeyRotation: true,
      alias: `alias/commerce-${stage.name}-field-encryption`,
      removalPolicy: stage.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    stableLogicalId(this.key, 'FieldEncryptionKey');
    this.auditMacKey = new Key(this, 'AuditMacKey', {
      description: 'HMAC of the audit chain entries (SEC-4): writers GenerateMac, the verifier VerifyMac',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: stage.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    stableLogicalId(this.auditMacKey, 'AuditMacKey');
    acknowledge(
      this.auditMacKey,
      'AwsSolutions-KMS5',
      'KMS does not rotate HMAC keys (automatic rotation is for symmetric encryption keys only); the audit chain must stay verifiable with one key.',
    );
    this.bus = new EventBus(this, 'Bus', { eventBusName: `commerce-${stage.name}`, description: 'Domain events between capabilities (events/)' });
    stableLogicalId(this.bus, 'EventBus');
    const archive = new Archive(this, 'BusArchive', {
      sourceEventBus: this.bus,
      eventPattern: { account: [this.bus.stack.account] },
      retention: Duration.days(stage.eventArchiveDays),
      description: 'Every domain event, for replay after an incident',
    });
    stableLogicalId(archive, 'EventArchive');
    this.idempotencyTable = new CommerceTable(this, 'IdempotencyTable', { stage, partitionKey: 'id', sortKey: null, timeToLiveAttribute: 'expiration' });
    stableLogicalId(this.idempotencyTable.table, 'IdempotencyTable');
    this.auditTable = new CommerceTable(this, 'AuditTable', { stage, indexes: [{ name: 'byResource', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] });
    stableLogicalId(this.auditTable.table, 'AuditTable');
    this.customerKeyTable = new CommerceTable(this, 'CustomerKeyTable', { stage, partitionKey: 'customerId', sortKey: null, pointInTimeRecovery: false });
    stableLogicalId(this.customerKeyTable.table, 'CustomerKeyTable');
    acknowledge(
      this.customerKeyTable.table,
      'AwsSolutions-DDB3',
      'The customer keyring must not be restorable: a restored key record would resurrect personal data erased by crypto-shredding (SEC-3). Deletion protection and RETAIN guard the table instead.',
    );
    this.asyncFailures = deadLetterQueue(this, 'AsyncInvocationFailures', stage.removalPolicy, "on-failure destination of every function's asynchronous invocations");
    this.eventDeliveryFailures = deadLetterQueue(this, 'EventDeliveryFailures', stage.removalPolicy, 'events EventBridge could not deliver to a target after its retries');
    this.alarms = new SeverityTopics(this, 'Alarms', stage);
    this.identity = new Identity(this, 'Identity', { removalPolicy: stage.removalPolicy, deletionProtection: stage.deletionProtection });
    // The API (resources, methods, CORS preflights, permissions: hundreds of resources) in a nested stack of its own.
    const apiStack = new NestedStack(this, 'ApiStack', { description: `Serverless commerce: HTTP API (${stage.name})` });
    this.api = new CommerceApi(apiStack, 'Http', { stage, customerPool: this.identity.customerPool, staffPool: this.identity.staffPool });
  }

  private readonly logGroups = new Map<Construct, LogGroup>();
  /** The event sources each function was granted (over all its publishEvents grants). */
  private readonly eventSources = new Map<ServiceFunction, readonly string[]>();
  /** The field-encryption entity kinds each function was granted (over all its useFieldEncryption grants). */
  private readonly encryptionEntities = new Map<ServiceFunction, readonly string[]>();

  /** The log group the functions of `scope` (a capability construct) share, with the stage's retention. */
  logGroupFor(scope: Construct): LogGroup {
    let group = this.logGroups.get(scope);
    if (!group) {
      group = new LogGroup(scope, 'Logs', { retention: this.stage.logRetention, removalPolicy: this.stage.removalPolicy });
      stableLogicalId(group, `${scope.node.id}Logs`);
      this.logGroups.set(scope, group);
    }
    return group;
  }

  /** A {@link ServiceFunction} in `scope` (a capability construct), with a stable logical id and its capability's log group. */
  function(scope: Construct, id: string, props: Omit<ServiceFunctionProps, 'stage' | 'logGroup' | 'asyncFailures'>): ServiceFunction {
    const fn = new ServiceFunction(scope, id, {
      ...props,
      stage: this.stage,
      logGroup: this.logGroupFor(scope),
      asyncFailures: new SqsDestination(this.asyncFailures),
      environment: { CORS_ALLOW_ORIGIN: this.stage.corsAllowOrigin, ...props.environment },
    });
    nameFunction(fn);
    return fn;
  }

  /**
   * Lets `fn` publish `events` (the event types its capability produces): EVENT_BUS_NAME, and
   * events:PutEvents on this bus only, with an `events:source` condition naming exactly those
   * events' sources (their producing capability). A function can therefore not put an event under
   * another capability's source, and since every consumer's rule matches on source as well as
   * detail type (EventConsumer, constructs/messaging.ts), it cannot forge an event type it does not own.
   */
  publishEvents(fn: ServiceFunction, events: readonly AnyEventDefinition[]): void {
    const sources = [...new Set(events.map((e) => e.source))].sort();
    if (sources.length === 0) throw new Error(`${fn.node.id}: publishEvents needs the event types it publishes`);
    const granted = [...new Set([...(this.eventSources.get(fn) ?? []), ...sources])].sort();
    this.eventSources.set(fn, granted);
    fn.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    // Every source the function's grants name, for the kernel's publisher: it refuses any other before
    // sending, so the local cloud (which evaluates IAM for DynamoDB only) fails as AWS would (shared/events.ts).
    fn.addEnvironment('EVENT_SOURCES', granted.join(','));
    fn.allow(['events:PutEvents'], [this.bus.eventBusArn], { StringEquals: { 'events:source': sources } });
  }

  /**
   * Lets `fn` keep idempotency records (IDEMPOTENCY_TABLE_NAME), whose stored responses the kernel
   * seals with the field key (shared/idempotency.ts): data keys of that entity kind only.
   */
  useIdempotency(fn: ServiceFunction): void {
    fn.addEnvironment('IDEMPOTENCY_TABLE_NAME', this.idempotencyTable.tableName);
    fn.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [this.idempotencyTable.table.tableArn]);
    this.useFieldEncryption(fn, { encrypt: true, decrypt: true, entities: [IDEMPOTENCY_ENTITY] });
  }

  /**
   * Lets `fn` append to the audit trail (AUDIT_TABLE_NAME, SEC-4): read the head and put/update items
   * of the chain partition only (`dynamodb:LeadingKeys`), MAC new entries with the audit key
   * (AUDIT_MAC_KEY_ID, kms:GenerateMac only) — no DeleteItem, no Query of the chain or its index
   * (only the verifier reads the whole chain; the kernel's conditions keep entries write-once and
   * the head moving forward).
   */
  useAuditLog(fn: ServiceFunction): void {
    fn.addEnvironment('AUDIT_TABLE_NAME', this.auditTable.tableName);
    fn.addEnvironment('AUDIT_MAC_KEY_ID', this.auditMacKey.keyArn);
    fn.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [this.auditTable.table.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [AUDIT_CHAIN_PARTITION] },
    });
    fn.allow(['kms:GenerateMac'], [this.auditMacKey.keyArn]);
  }

  /** Lets `fn` read the audit trail (the admin audit API): Query table and index — no KMS, no writes. */
  readAuditLog(fn: ServiceFunction): void {
    fn.addEnvironment('AUDIT_TABLE_NAME', this.auditTable.tableName);
    fn.allow(['dynamodb:Query'], [this.auditTable.table.tableArn]);
    fn.allow(['dynamodb:Query'], [`${this.auditTable.table.tableArn}/index/byResource`]);
  }

  /** Lets `fn` read and verify the whole audit chain (the scheduled verifier, the admin audit API): Query table and index, kms:VerifyMac. */
  verifyAuditLog(fn: ServiceFunction): void {
    fn.addEnvironment('AUDIT_TABLE_NAME', this.auditTable.tableName);
    fn.addEnvironment('AUDIT_MAC_KEY_ID', this.auditMacKey.keyArn);
    fn.allow(['dynamodb:GetItem', 'dynamodb:Query'], [this.auditTable.table.tableArn]);
    fn.allow(['dynamodb:Query'], [`${this.auditTable.table.tableArn}/index/byResource`]);
    fn.allow(['kms:VerifyMac'], [this.auditMacKey.keyArn]);
  }

  /**
   * Lets `fn` encrypt (GenerateDataKey) and/or decrypt personal-data fields (FIELD_ENCRYPTION_KEY_ID)
   * of the entity kinds it handles (SEC-2): the grant is conditioned on the data keys' KMS
   * encryption context (shared/field-encryption.ts `dataKeyContext`: `purpose` and `entity`), so
   * the function can neither get nor open data keys of any other entity kind, nor use the key for
   * anything but field encryption.
   */
  useFieldEncryption(fn: ServiceFunction, use: { encrypt: boolean; decrypt: boolean; entities: readonly string[] }): void {
    const entities = [...new Set(use.entities)].sort();
    if (entities.length === 0) throw new Error(`${fn.node.id}: useFieldEncryption needs the entity kinds it handles`);
    const granted = [...new Set([...(this.encryptionEntities.get(fn) ?? []), ...entities])].sort();
    this.encryptionEntities.set(fn, granted);
    fn.addEnvironment('FIELD_ENCRYPTION_KEY_ID', this.key.keyArn);
    // Every entity kind the function's grants name, for the kernel's encryptor: it refuses any other
    // before asking KMS, so the local cloud (which evaluates IAM for DynamoDB only) fails as AWS would
    // (shared/field-encryption.ts).
    fn.addEnvironment('FIELD_ENCRYPTION_ENTITIES', granted.join(','));
    fn.allow([...(use.encrypt ? ['kms:GenerateDataKey'] : []), ...(use.decrypt ? ['kms:Decrypt'] : [])], [this.key.keyArn], {
      StringEquals: { 'kms:EncryptionContext:purpose': FIELD_ENCRYPTION_PURPOSE, 'kms:EncryptionContext:entity': entities },
    });
    // The customer keyring (per-customer data keys, SEC-3): read a customer's wrapped key, and — to
    // encrypt — create it on first use (a conditional UpdateItem). Encrypting under a customer's
    // existing key means unwrapping it, so an encrypt-only function may also Decrypt, but only
    // customer keys (their KMS context names a `customer`) of its entity kinds.
    const keyring = this.customerKeyTable;
    fn.addEnvironment(keyring.environmentVariable, keyring.tableName);
    fn.allow(use.encrypt ? ['dynamodb:GetItem', 'dynamodb:UpdateItem'] : ['dynamodb:GetItem'], [keyring.table.tableArn]);
    if (use.encrypt && !use.decrypt) {
      fn.allow(['kms:Decrypt'], [this.key.keyArn], {
        StringEquals: { 'kms:EncryptionContext:purpose': FIELD_ENCRYPTION_PURPOSE, 'kms:EncryptionContext:entity': entities },
        'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['customer'] },
      });
    }
  }
}
