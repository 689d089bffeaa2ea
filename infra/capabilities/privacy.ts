/**
 * Privacy (SEC-3): the PrivacyTable and a customer's consents per purpose — `GET /me/consents`,
 * `PUT /me/consents`. Other capabilities ask through privacy's consent contract
 * (functions/privacy/consent-contract.ts), granted with {@link Privacy.grantConsentCheck}.
 */
import { Construct } from 'constructs';
import { getMyConsentsRoute, putMyConsentsRoute } from '../../functions/privacy/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { stableLogicalId } from '../constructs/messaging.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** See the module documentation. */
export class Privacy extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    this.table = new CommerceTable(this, 'PrivacyTable', { stage: platform.stage });
    stableLogicalId(this.table.table, 'PrivacyTable');

    const getConsents = platform.function(this, 'GetMyConsentsFunction', { entry: 'functions/privacy/handlers/get-my-consents.ts', description: 'GET /me/consents (SEC-3)' });
    this.table.grantActions(getConsents, ['dynamodb:GetItem', 'dynamodb:Query']);
    platform.api.addRoute(getMyConsentsRoute, getConsents);

    const putConsents = platform.function(this, 'PutMyConsentsFunction', { entry: 'functions/privacy/handlers/put-my-consents.ts', description: 'PUT /me/consents (SEC-3)' });
    // The state and its history items are written in one transaction (PutItem only).
    this.table.grantActions(putConsents, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']);
    platform.api.addRoute(putMyConsentsRoute, putConsents);
  }

  /** Lets `fn` use the consent contract: GetItem of consent states only, and the table's name. */
  grantConsentCheck(fn: ServiceFunction): void {
    fn.addEnvironment('PRIVACY_TABLE_NAME', this.table.tableName);
    fn.allow(['dynamodb:GetItem'], [this.table.table.tableArn], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUSTOMER#*'] } });
  }
}
