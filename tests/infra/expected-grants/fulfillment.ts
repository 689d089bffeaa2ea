import { audit, consume, idempotency, publish, read, readWrite, secret } from './helpers.ts';

/** The carriers' webhook signing secrets: Secrets Manager in every deployed stage, dev included (the webhook verifies, the sandbox carrier signs). */
const carrierSecrets = secret('commerce/dev/carriers');

// PutEvents only under fulfillment's own source and the shared problem-order and notification sources (events:source).
const publishes = publish('commerce.fulfillment', 'commerce.operations', 'commerce.notifications');

const table = (access: typeof read | typeof readWrite) => access('FulfillmentTable', ['byDueDate', 'byPendingOutbox']);
/** Catalog's stock contract: transaction items (UpdateItem on stock items and reservation records). */
const changeStock = ['dynamodb:UpdateItem → CatalogTable'];

export const fulfillmentGrants: Record<string, string[]> = {
  AllocateOrderFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...changeStock, ...publishes, ...consume('AllocateOrderQueue')],
  CancelFulfillmentFunction: [
    ...table(readWrite),
    'dynamodb:BatchGetItem → CatalogTable',
    'dynamodb:Query → CatalogTable',
    ...changeStock,
    ...publishes,
    ...consume('CancelFulfillmentQueue'),
  ],
  // AFT-1: returns (dev books with the sandbox carrier: no recipient read).
  BookReturnPickupFunction: [...table(readWrite), ...publishes, ...consume('BookReturnPickupQueue')],
  ShipExchangeReplacementFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...changeStock, ...publishes, ...consume('ShipExchangeReplacementQueue')],
  ReceiveCarrierWebhookFunction: [...table(readWrite), ...publishes, carrierSecrets],
  TrackStockLevelsFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...publishes, ...consume('TrackStockLevelsQueue')],
  SweepLateDeliveriesFunction: [...table(readWrite), ...publishes],
  SweepReplenishmentFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...publishes],
  GetDegradedModeFunction: table(read),
  PutDegradedModeFunction: [...table(readWrite), ...audit],
  // FUL-2, FUL-3: one configuration item.
  GetShippingSettingsFunction: ['dynamodb:GetItem → FulfillmentTable'],
  PutShippingSettingsFunction: ['dynamodb:GetItem → FulfillmentTable', 'dynamodb:PutItem → FulfillmentTable', ...audit],
  ListShipmentsFunction: table(read),
  GetReplenishmentFunction: table(read),
  // dev stage only: the sandbox carrier's tracking feed
  DeliverSandboxCarrierEventsFunction: [...table(readWrite), ...publishes, ...consume('SandboxCarrierQueue'), carrierSecrets],
  PostSandboxCarrierEventFunction: [...table(read), 'sqs:SendMessage → SandboxCarrierQueue', ...idempotency],
};
