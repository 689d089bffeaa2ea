/**
 * Catalog (ORD-1, FUL-4): products, warehouses and stock. Public browsing; staff product changes
 * and cycle counts (audited).
 */
import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { ProductChanged } from '../../events/product-changed.ts';
import { StockAdjusted } from '../../events/stock-adjusted.ts';
import { getProductRoute, getStockRoute, listProductsRoute, listWarehousesRoute, putProductRoute, putStockRoute, putWarehouseRoute } from '../../functions/catalog/routes.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import type { Platform } from '../platform.ts';

/** The event types catalog publishes: its PutEvents grants name their source only. */
export const CATALOG_PUBLISHES: readonly AnyEventDefinition[] = [ProductChanged, StockAdjusted];

/** See the module documentation. */
export class Catalog extends Construct {
  readonly table: CommerceTable;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    this.table = new CommerceTable(this, 'CatalogTable', { stage: platform.stage, indexes: [{ name: 'byType', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }] });
    stableLogicalId(this.table.table, 'CatalogTable');
    const env = { CATALOG_TABLE_NAME: this.table.tableName };

    const listProducts = platform.function(this, 'ListProductsFunction', { entry: 'functions/catalog/handlers/list-products.ts', description: 'GET /products', environment: env });
    this.table.grant(listProducts, 'read');
    platform.api.addRoute(listProductsRoute, listProducts);

    const getProduct = platform.function(this, 'GetProductFunction', { entry: 'functions/catalog/handlers/get-product.ts', description: 'GET /products/{sku}', environment: env });
    this.table.grant(getProduct, 'read');
    platform.api.addRoute(getProductRoute, getProduct);

    const putProduct = platform.function(this, 'PutProductFunction', {
      entry: 'functions/catalog/handlers/put-product.ts',
      description: 'PUT /admin/products/{sku}',
      environment: env,
    });
    this.table.grant(putProduct, 'readWrite');
    platform.publishEvents(putProduct, CATALOG_PUBLISHES);
    platform.useAuditLog(putProduct);
    platform.api.addRoute(putProductRoute, putProduct);

    const getStock = platform.function(this, 'GetStockFunction', { entry: 'functions/catalog/handlers/get-stock.ts', description: 'GET /admin/stock/{sku}', environment: env });
    this.table.grant(getStock, 'read');
    platform.api.addRoute(getStockRoute, getStock);

    const putStock = platform.function(this, 'PutStockFunction', {
      entry: 'functions/catalog/handlers/put-stock.ts',
      description: 'PUT /admin/stock/{sku}/{warehouseId} (cycle count, or a split into buckets)',
      environment: env,
    });
    this.table.grant(putStock, 'readWrite');
    platform.publishEvents(putStock, CATALOG_PUBLISHES);
    platform.useAuditLog(putStock);
    platform.api.addRoute(putStockRoute, putStock);

    // ORD-4 at flash-sale scale: hot SKUs' stock split into buckets (PUT /admin/stock with buckets) is rebalanced every minute,
    // and a stock being merged back after its sale (buckets: 1) takes its next merge step.
    const rebalance = platform.function(this, 'RebalanceStockBucketsFunction', {
      entry: 'functions/catalog/handlers/rebalance-stock-buckets.ts',
      description: 'Tops up the stock buckets of hot SKUs that run dry and finishes merging them back after a sale, every minute (ORD-4)',
      timeout: Duration.seconds(50),
      environment: env,
    });
    this.table.grant(rebalance, 'readWrite');
    new ScheduledJob(this, 'RebalanceStockBuckets', {
      schedule: 'rate(1 minute)',
      handler: rebalance,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Stock bucket rebalancing every minute (hot SKUs)',
    });
    // A stock whose step keeps failing is logged and counted; the run goes on with the other stocks and does not fail
    // (a failed scheduled invocation would be retried whole, twice, and land in AsyncInvocationFailures every minute).
    platform.alarms.alarm(this, 'StockBucketStepsFailedAlarm', {
      severity: 'high',
      runbook: 'function-errors',
      name: 'stock-bucket-steps-failed',
      summary:
        'RebalanceStockBucketsFunction could not take a hot SKU stock’s step (a rebalancing move or a merge step) in each of the last 5 minutes: its log line "stock bucket step failed" names the SKU, the warehouse and the error.',
      metric: new Metric({
        namespace: 'Commerce',
        metricName: 'StockBucketStepsFailed',
        dimensionsMap: { service: 'RebalanceStockBucketsFunction' },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 5,
    });

    // Back office (FUL-1): ops run the warehouse list; every change audited.
    const putWarehouse = platform.function(this, 'PutWarehouseFunction', {
      entry: 'functions/catalog/handlers/put-warehouse.ts',
      description: 'PUT /admin/warehouses/{warehouseId}',
      environment: env,
    });
    this.table.grant(putWarehouse, 'readWrite');
    platform.useAuditLog(putWarehouse);
    platform.api.addRoute(putWarehouseRoute, putWarehouse);
    const listWarehouses = platform.function(this, 'ListWarehousesFunction', {
      entry: 'functions/catalog/handlers/list-warehouses.ts',
      description: 'GET /admin/warehouses',
      environment: env,
    });
    this.table.grant(listWarehouses, 'read');
    platform.api.addRoute(listWarehousesRoute, listWarehouses);

    if (platform.stage.name === 'dev') {
      // Through ops' own use cases: audited and announced like staff changes.
      const seed = platform.function(this, 'SeedDemoCatalogFunction', {
        entry: 'functions/catalog/handlers/seed-demo-catalog.ts',
        description: 'Seeds the demo catalog once through the staff use cases (dev stage only)',
        timeout: Duration.minutes(2),
        environment: env,
      });
      this.table.grant(seed, 'readWrite');
      platform.useAuditLog(seed);
      platform.publishEvents(seed, CATALOG_PUBLISHES);
    }
  }
}
