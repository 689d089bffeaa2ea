import { audit, consume, idempotency, publish, read, readWrite } from './helpers.ts';

const table = (access: typeof read | typeof readWrite) => access('FulfillmentTable', ['byDueDate', 'byPendingOutbox']);

export const fulfillmentGrants: Record<string, string[]> = {
  AllocateOrderFunction: [...table(readWrite), ...readWrite('CatalogTable', ['byType']), ...publish, ...consume('AllocateOrderQueue')],
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
