import { audit, fieldKey } from './helpers.ts';

/**
 * SEC-3: one function serves the caller's consents (the state with its history: a transaction of PutItems) and the export, which reads the caller's orders (listed by the byCustomerSummary index, then read whole), returns and tickets (their byCustomer indexes) and decrypts them (no KMS GenerateDataKey).
 * The erasure decrypts nothing: it is audited, replaces the customer's key record by a tombstone (PutItem), removes personal
 * attributes from orders and tickets (UpdateItem) and disables the customer's sign-in (AdminDisableUser on the customer pool).
 * CMP-2: the retention job scans orders and removes their personal attributes.
 */
export const privacyGrants: Record<string, string[]> = {
  ServeMyPrivacyFunction: [
    ...['GetItem', 'PutItem', 'Query', 'UpdateItem'].map((a) => `dynamodb:${a} → PrivacyTable`),
    // Orders: the summary index lists them, BatchGetItem reads them whole.
    'dynamodb:BatchGetItem → OrdersTable',
    ...['OrdersTable/index/byCustomerSummary', 'ReturnsTable', 'ReturnsTable/index/byCustomer', 'TicketsTable', 'TicketsTable/index/byCustomer'].map(
      (t) => `dynamodb:Query → ${t}`,
    ),
    ...fieldKey({ decrypt: true, entities: ['order', 'return', 'ticket'] }),
  ],
  DeleteMeFunction: [
    ...['GetItem', 'PutItem', 'UpdateItem'].map((a) => `dynamodb:${a} → PrivacyTable`),
    'dynamodb:GetItem → CustomerKeyTable',
    'dynamodb:PutItem → CustomerKeyTable',
    'dynamodb:UpdateItem → OrdersTable',
    'dynamodb:Query → OrdersTable/index/byCustomerSummary',
    'dynamodb:Query → TicketsTable',
    'dynamodb:UpdateItem → TicketsTable',
    'dynamodb:Query → TicketsTable/index/byCustomer',
    ...audit,
    'cognito-idp:AdminDisableUser → PlatformIdentityCustomerPoolBE5D5006',
  ],
  ListPrivacyRequestsFunction: ['dynamodb:Query → PrivacyTable'],
  ShredExpiredPersonalDataFunction: ['dynamodb:Query → OrdersTable', 'dynamodb:Scan → OrdersTable', 'dynamodb:UpdateItem → OrdersTable'],
};
