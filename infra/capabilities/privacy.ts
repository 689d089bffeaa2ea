/**
 * Privacy (SEC-3, CMP-2): the PrivacyTable and a customer's consents per purpose — `GET /me/consents`,
 * `PUT /me/consents` — and their data rights: `GET /me/data` (export), `DELETE /me` (erasure by
 * crypto-shredding: destroys the customer's key record in the platform's CustomerKeyTable, removes
 * personal data from their orders and tickets, disables their sign-in), `GET /admin/privacy/requests`,
 * and the daily retention job. Other capabilities ask through privacy's consent contract
 * (functions/privacy/consent-contract.ts), granted with {@link Privacy.grantConsentCheck}.
 */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LEGACY_ORDER_INDEX, ORDER_INDEXES } from '../../functions/checkout/orders-repository.ts';
import { ORDER_ENTITY } from '../../functions/checkout/personal-data.ts';
import { TICKET_ENTITY } from '../../functions/tickets/personal-data.ts';
import { deleteMeRoute, getMyConsentsRoute, getMyDataRoute, listPrivacyRequestsRoute, putMyConsentsRoute } from '../../functions/privacy/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** See the module documentation. */
export class Privacy extends Construct {
  readonly table: CommerceTable;

  constructor(
    scope: Construct,
    id: string,
    platform: Platform,
    dependencies: { readonly orders: CommerceTable; readonly returns: CommerceTable; readonly tickets: CommerceTable },
  ) {
    super(scope, id);
    this.table = new CommerceTable(this, 'PrivacyTable', { stage: platform.stage });
    stableLogicalId(this.table.table, 'PrivacyTable');

    const { orders, returns, tickets } = dependencies;
    const byCustomer = (table: CommerceTable, index: string) => `${table.table.tableArn}/index/${index}`;
    // Orders: the summary index, and while an upgrade keeps it (StageSettings.keepLegacyOrdersIndex) the one it replaces,
    // which the reads fall back to until DynamoDB has filled the new one (checkout's withLegacyIndexFallback).
    const ordersByCustomer = [ORDER_INDEXES.byCustomer, ...(platform.stage.keepLegacyOrdersIndex ? [LEGACY_ORDER_INDEX] : [])].map((index) => byCustomer(orders, index));

    // SEC-3: the caller's own privacy data in one function (one reserved-concurrency slot): consents — the state and its
    // history items written in one transaction of PutItems — and the export, which reads everything of the caller
    // (decrypting orders, returns, tickets) and records the request.
    const exportData = platform.function(this, 'ServeMyPrivacyFunction', {
      entry: 'functions/privacy/handlers/serve-my-privacy.ts',
      description: 'GET/PUT /me/consents, GET /me/data: consents and the data export (SEC-3)',
      timeout: Duration.seconds(29),
    });
    this.table.grantActions(exportData, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    platform.api.addRoute(getMyConsentsRoute, exportData);
    platform.api.addRoute(putMyConsentsRoute, exportData);
    orders.grantActions(exportData, ['dynamodb:BatchGetItem']);
    exportData.allow(['dynamodb:Query'], ordersByCustomer);
    returns.grantActions(exportData, ['dynamodb:Query']);
    exportData.allow(['dynamodb:Query'], [byCustomer(returns, 'byCustomer')]);
    tickets.grantActions(exportData, ['dynamodb:Query']);
    exportData.allow(['dynamodb:Query'], [byCustomer(tickets, 'byCustomer')]);
    platform.useFieldEncryption(exportData, { encrypt: false, decrypt: true, entities: [ORDER_ENTITY, 'return', TICKET_ENTITY] });
    platform.api.addRoute(getMyDataRoute, exportData);

    // SEC-3: erasure — audited first; destroys the customer's key record (a tombstone replaces it), removes
    // personal data from their orders and tickets, disables their sign-in. No KMS: nothing is decrypted.
    const erase = platform.function(this, 'DeleteMeFunction', {
      entry: 'functions/privacy/handlers/delete-me.ts',
      description: 'DELETE /me: erasure by crypto-shredding (SEC-3)',
      timeout: Duration.seconds(29),
    });
    this.table.grantActions(erase, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    platform.customerKeyTable.grantActions(erase, ['dynamodb:GetItem', 'dynamodb:PutItem']);
    orders.grantActions(erase, ['dynamodb:UpdateItem']);
    erase.allow(['dynamodb:Query'], ordersByCustomer);
    tickets.grantActions(erase, ['dynamodb:Query', 'dynamodb:UpdateItem']);
    erase.allow(['dynamodb:Query'], [byCustomer(tickets, 'byCustomer')]);
    platform.useAuditLog(erase);
    const pool = platform.identity.customerPool;
    erase.addEnvironment('CUSTOMER_POOL_ID', pool.userPoolId);
    erase.allow(['cognito-idp:AdminDisableUser'], [pool.userPoolArn]);
    platform.api.addRoute(deleteMeRoute, erase);

    const listRequests = platform.function(this, 'ListPrivacyRequestsFunction', {
      entry: 'functions/privacy/handlers/list-privacy-requests.ts',
      description: 'GET /admin/privacy/requests (SEC-3)',
    });
    this.table.grantActions(listRequests, ['dynamodb:Query']);
    platform.api.addRoute(listPrivacyRequestsRoute, listRequests);

    // CMP-2: personal data of completed orders shredded after PERSONAL_DATA_RETENTION_DAYS (default 1095), daily.
    const retention = platform.function(this, 'ShredExpiredPersonalDataFunction', {
      entry: 'functions/privacy/handlers/shred-expired-personal-data.ts',
      description: 'Removes personal data of orders completed more than the retention period ago (CMP-2)',
      timeout: Duration.minutes(15),
    });
    orders.grantActions(retention, ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    new ScheduledJob(this, 'ShredExpiredPersonalData', {
      schedule: 'rate(1 day)',
      handler: retention,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Personal-data retention (CMP-2), daily',
    });
  }

  /** Lets `fn` use the consent contract: GetItem of consent states only, and the table's name. */
  grantConsentCheck(fn: ServiceFunction): void {
    fn.addEnvironment('PRIVACY_TABLE_NAME', this.table.tableName);
    fn.allow(['dynamodb:GetItem'], [this.table.table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUSTOMER#*'] } });
  }

  /** Lets `fn` use the requests contract (CMP-2): Query of the requests partition only, and the table's name. */
  grantRequestsRead(fn: ServiceFunction): void {
    fn.addEnvironment('PRIVACY_TABLE_NAME', this.table.tableName);
    fn.allow(['dynamodb:Query'], [this.table.table.tableArn], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['REQUESTS'] } });
  }
}
