/**
 * `POST /admin/returns/{returnId}/inspection` (ops; AFT-1, SEC-4 audited): restock into the
 * receiving warehouse (catalog's stock contract, once) or write off; refund or ship the exchange.
 * Env: `RETURNS_TABLE_NAME`, `CATALOG_TABLE_NAME`, `EVENT_BUS_NAME`, `AUDIT_TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME`.
 */
import { requireSetting } from '../../../shared/config.ts';
import { type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { idempotentHttpHandler } from '../../../shared/http/idempotent-handler.ts';
import { restockReturnedStock } from '../../catalog/stock-contract.ts';
import { inspectReturn } from '../returns.ts';
import { inspectReturnRoute } from '../routes.ts';
import { returnsRuntime, returnView, type ReturnsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeInspectReturnHandler(ports: ReturnsPorts & { readonly catalogTableName?: string } = {}): HttpLambdaHandler {
  const runtime = returnsRuntime(ports);
  return idempotentHttpHandler(inspectReturnRoute, async ({ path, body, principal, correlationId }) => {
    const catalogTableName = ports.catalogTableName ?? requireSetting('catalogTableName');
    const ret = await inspectReturn(
      { ...runtime.deps(), audit: runtime.audit(), restockItems: (m, at) => restockReturnedStock(catalogTableName, m, at) },
      { returnId: path.returnId, principal, passed: body.passed, restock: body.restock, note: body.note, correlationId },
    );
    return { statusCode: 200, body: await returnView(ret, principal) };
  });
}

/** The Lambda handler. */
export const handler = makeInspectReturnHandler();
