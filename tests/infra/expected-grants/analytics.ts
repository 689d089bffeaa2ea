/** Analytics (KPI-1, KPI-2): the consumer's records and aggregates, the KPI and segment reads, the daily segments job. */
import { consume } from './helpers.ts';

const on = (actions: string[], table: string) => actions.map((a) => `dynamodb:${a} → ${table}`);
// SEC-3: privacy's consent contract, the customer's consent state only.
const consentCheck = ['dynamodb:GetItem → PrivacyTable if ForAllValues:StringLike dynamodb:LeadingKeys=CUSTOMER#*'];

export const analyticsGrants: Record<string, string[]> = {
  // A batch's records in one BatchGetItem; one transaction per batch (or per event): the applied markers, the records (conditional on their version), ADDs on the day aggregates.
  ConsumeAnalyticsEventsFunction: [...on(['BatchGetItem', 'ConditionCheckItem', 'GetItem', 'PutItem', 'UpdateItem'], 'AnalyticsTable'), ...consume('AnalyticsEventsQueue')],
  // The range's months, one Query each.
  GetKpisFunction: on(['Query'], 'AnalyticsTable'),
  // Customer records through the customers index; the run's members and counts; consents; keyring tombstones (projected).
  ScoreCustomerSegmentsFunction: [
    ...on(['BatchWriteItem', 'PutItem'], 'AnalyticsTable'),
    'dynamodb:Query → AnalyticsTable/index/byCustomer',
    ...consentCheck,
    'dynamodb:BatchGetItem → CustomerKeyTable',
  ],
  ServeCustomerSegmentsFunction: [...on(['GetItem', 'Query'], 'AnalyticsTable'), ...consentCheck],
};
