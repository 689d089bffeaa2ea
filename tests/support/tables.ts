/**
 * The app's tables as tests name them: `CatalogTable` → `catalog`, `OrdersTable` → `orders`, and
 * the environment variable each handler reads (`CATALOG_TABLE_NAME`, `ORDERS_TABLE_NAME`, …).
 */
import type { ResourceNames } from '../../infra/local/template.ts';

/** Every table of the app, by short name. */
export type LocalTables = Record<
  | 'catalog'
  | 'idempotency'
  | 'compliance'
  | 'audit'
  | 'orders'
  | 'payments'
  | 'risk'
  | 'fulfillment'
  | 'notifications'
  | 'tickets'
  | 'privacy'
  | 'returns'
  | 'suppliers'
  | 'customerKey'
  | 'analytics',
  string
>;

/** `FooBarTable` → `fooBar`. */
export function shortTableName(logicalId: string): string {
  const base = logicalId.replace(/Table$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
}

/** `fooBar` → `FOO_BAR_TABLE_NAME`. */
export function tableEnvName(short: string): string {
  return `${short.replace(/([A-Z])/g, '_$1').toUpperCase()}_TABLE_NAME`;
}

/** Short name → local table name, for every DynamoDB table of the template. */
export function tablesByCapability(names: ResourceNames): Record<string, string> {
  return Object.fromEntries(names.rawOfType('AWS::DynamoDB::Table').map(({ logicalId }) => [shortTableName(logicalId), names.ref(logicalId)]));
}

/** The `*_TABLE_NAME` environment of every table. */
export function tableEnvironment(tables: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tables).map(([short, name]) => [tableEnvName(short), name]));
}
