/**
 * `POST /admin/cod-remittances` (ops) — a carrier's cash-on-delivery remittance report, settled
 * against each order's ledger and audited (PAY-4). 201 recorded, 200 the same report again, 409
 * other content under a recorded id. Env: `PAYMENTS_TABLE_NAME`, `AUDIT_TABLE_NAME`.
 */
import { httpHandler, type HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { recordCodRemittance } from '../cod-remittances.ts';
import { recordCodRemittanceRoute } from '../cod-remittance-routes.ts';
import { paymentsRuntime, type PaymentsPorts } from '../runtime.ts';

/** The report as the API shows it (the booked movements are in the order's ledger, not here). */
const view = <T extends { movements: unknown; fingerprint: unknown }>({ movements: _m, fingerprint: _f, ...rest }: T) => rest;

/** Builds the handler with the given ports. */
export function makeRecordCodRemittanceHandler(ports: PaymentsPorts = {}): HttpLambdaHandler {
  const runtime = paymentsRuntime(ports);
  return httpHandler(recordCodRemittanceRoute, async ({ body, principal, correlationId }) => {
    const { reason, ...report } = body;
    const { remittance, created } = await recordCodRemittance(
      { repo: runtime.repo(), audit: runtime.audit(), clock: runtime.engine().clock },
      { report, principal, reason, correlationId },
    );
    return { statusCode: created ? 201 : 200, body: view(remittance) };
  });
}

/** The Lambda handler. */
export const handler = makeRecordCodRemittanceHandler();
