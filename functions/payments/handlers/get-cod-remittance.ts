/** `GET /admin/cod-remittances/{remittanceId}` (ops, analyst): a recorded COD remittance report (PAY-4). Env: `PAYMENTS_TABLE_NAME`. */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { getCodRemittance } from '../cod-remittances.ts';
import { getCodRemittanceRoute } from '../cod-remittance-routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** Builds the handler with the given ports. */
export function makeGetCodRemittanceHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return httpHandler(getCodRemittanceRoute, async ({ path }) => {
    const { movements: _m, fingerprint: _f, ...report } = await getCodRemittance(runtime.repo(), path.remittanceId);
    return { statusCode: 200, body: report };
  });
}

/** The Lambda handler. */
export const handler = makeGetCodRemittanceHandler();
