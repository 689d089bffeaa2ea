/**
 * The suppliers staff API in one function (shared/http/route-dispatcher.ts): put, list, read,
 * record a delivery. Env: `SUPPLIERS_TABLE_NAME`, `AUDIT_TABLE_NAME`, `AUDIT_MAC_KEY_ID`,
 * `IDEMPOTENCY_TABLE_NAME`.
 */
import { routeDispatcher } from '../../../shared/http/route-dispatcher.ts';
import { getSupplierRoute, listSuppliersRoute, putSupplierRoute, recordSupplierDeliveryRoute } from '../routes.ts';
import { handler as getSupplier } from './get-supplier.ts';
import { handler as listSuppliers } from './list-suppliers.ts';
import { handler as putSupplier } from './put-supplier.ts';
import { handler as recordSupplierDelivery } from './record-supplier-delivery.ts';

/** The Lambda handler. */
export const handler = routeDispatcher([
  [putSupplierRoute, putSupplier],
  [listSuppliersRoute, listSuppliers],
  [getSupplierRoute, getSupplier],
  [recordSupplierDeliveryRoute, recordSupplierDelivery],
]);
