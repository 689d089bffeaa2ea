/**
 * Consents in the PrivacyTable (SEC-3): the current state at `CUSTOMER#<id>` / `CONSENTS`, and each
 * decision as a history item `CUSTOMER#<id>` / `CONSENT#<at>#<purpose>`, written in one transaction
 * guarded by the state's version (two decisions at once: one wins, the other retries on the new state).
 * Consents hold no personal data beyond the customer id.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient, isTransactionConditionFailed } from '../../shared/dynamodb.ts';
import { CONSENT_PURPOSES, noConsents, type ConsentChange, type ConsentPurpose, type Consents, type PurposeConsent } from './domain/consent.ts';

/** The store port of the consent use cases. */
export interface ConsentStore {
  read(customerId: string): Promise<Consents>;
  /** Saves `next` (whose version is one above the stored one) with its changes; false when someone else saved first. */
  save(next: Consents, changes: readonly ConsentChange[]): Promise<boolean>;
  history(customerId: string, limit: number): Promise<ConsentChange[]>;
}

export const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;
const CURRENT_SK = 'CONSENTS';

/** The DynamoDB store. */
export function dynamoConsentStore(tableName: string, client: Pick<DynamoDBDocumentClient, 'send'> = documentClient()): ConsentStore {
  return {
    async read(customerId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { pk: customerPk(customerId), sk: CURRENT_SK }, ConsistentRead: true }));
      if (!Item) return noConsents(customerId);
      const stored = Item.purposes as Partial<Record<ConsentPurpose, PurposeConsent>> | undefined;
      const base = noConsents(customerId);
      return { customerId, version: Number(Item.version), purposes: Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, stored?.[p] ?? base.purposes[p]])) as Consents['purposes'] };
    },
    async save(next, changes) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { pk: customerPk(next.customerId), sk: CURRENT_SK, purposes: next.purposes, version: next.version },
                  ConditionExpression: next.version === 1 ? 'attribute_not_exists(pk)' : '#version = :previous',
                  ...(next.version === 1 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': next.version - 1 } }),
                },
              },
              ...changes.map((change) => ({ Put: { TableName: tableName, Item: { pk: customerPk(next.customerId), sk: `CONSENT#${change.at}#${change.purpose}`, ...change } } })),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (isTransactionConditionFailed(error)) return false;
        throw error;
      }
    },
    async history(customerId, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :consent)',
          ExpressionAttributeValues: { ':pk': customerPk(customerId), ':consent': 'CONSENT#' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map((i) => ({ purpose: i.purpose as ConsentPurpose, granted: i.granted === true, at: String(i.at), via: String(i.via) }));
    },
  };
}

let store: ConsentStore | undefined;

/** The store of this function (`PRIVACY_TABLE_NAME`). */
export function consentStoreFromEnv(): ConsentStore {
  store ??= dynamoConsentStore(requireSetting('privacyTableName'));
  return store;
}
