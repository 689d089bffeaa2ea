import { audit, consume, idempotency, publish, read, readWrite } from './helpers.ts';

const table = (access: typeof read | typeof readWrite) => access('FulfillmentTable', ['byDueDate', 'byPendingOutbox']);
/** Catalog's stock contract: transaction items (UpdateItem on stock items and reservation records). */
const changeStock = ['dynamodb:UpdateItem → CatalogTable'];

export const fulfillmentGrants: Record<string, string[]> = {
  AllocateOrderFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...changeStock, ...publish, ...consume('AllocateOrderQueue')],
  CancelFulfillmentFunction: [...table(readWrite), 'dynamodb:Query → CatalogTable', ...changeStock, ...publish, ...consume('CancelFulfillmentQueue')],
  ReceiveCarrierWebhookFunction: [...table(readWrite), ...publish],
  TrackStockLevelsFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...publish, ...consume('TrackStockLevelsQueue')],
  SweepLateDeliveriesFunction: [...table(readWrite), ...publish],
  SweepReplenishmentFunction: [...table(readWrite), ...read('CatalogTable', ['byType']), ...publish],
  GetDegradedModeFunction: table(read),
  PutDegradedModeFunction: [...table(readWrite), ...audit],
  ListShipmentsFunction: table(read),
  GetReplenishmentFunction: table(read),
  // dev stage only: the sandbox carrier's tracking feed
  DeliverSandboxCarrierEventsFunction: [...table(readWrite), ...publish, ...consume('SandboxCarrierQueue')],
  PostSandboxCarrierEventFunction: [...table(read), 'sqs:SendMessage → SandboxCarrierQueue', ...idempotency],
};
