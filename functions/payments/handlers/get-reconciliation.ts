/** `GET /admin/reconciliations/{date}` (ops, analyst): the stored reconciliation report of a day (PAY-3). Env: `PAYMENTS_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getReconciliationRoute } from '../routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';
import { getReconciliationReport } from '../views.ts';

/** Builds the handler with the given ports. */
export function makeGetReconciliationHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return httpHandler(getReconciliationRoute, async ({ path }) => ({ statusCode: 200, body: await getReconciliationReport(runtime.repo(), path.date) }));
}

/** The Lambda handler. */
export const handler = makeGetReconciliationHandler();
