/**
 * The HTTP contracts of carriers' cash-on-delivery remittances (PAY-4), in a module of their own:
 * only the two remittance functions bundle these schemas, not every payments function.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import type { RouteContract } from '../../shared/http/route.ts';
import { defineRoute } from '../../shared/http/route.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';

const Ulid = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const Minor = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)));
const Currency = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as CNY')));

const RemittanceLineInput = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    orderId: Ulid(),
    amount: Minor().check(z.describe('Cash remitted for the order (fen)')),
    fee: z._default(Minor(), 0).check(z.describe('Collection fee the carrier kept (fen)')),
  }),
);

const RecordRemittanceBody = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      remittanceId: z
        .string()
        .check(
          z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'Must be 1–64 letters, digits or _ . : -'),
          z.describe('The carrier’s own report id: recording the same report again changes nothing'),
        ),
      carrier: z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/)),
      remittedAt: z.iso.datetime().check(z.describe('When the cash reached our account')),
      currency: z._default(Currency(), 'CNY'),
      lines: z.array(RemittanceLineInput()).check(z.minLength(1), z.maxLength(200)),
      reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500), z.describe('Why (audited)')),
    })
    .register(z.globalRegistry, { id: 'CodRemittanceInput' }),
);

const RemittanceDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      remittanceId: z.string(),
      carrier: z.string(),
      remittedAt: z.string(),
      currency: Currency(),
      lines: z.array(
        z.object({
          orderId: z.string(),
          amount: Minor(),
          fee: Minor(),
          outcome: z.enum(['remitted', 'short', 'over-remitted', 'already-remitted', 'not-delivered', 'not-cod', 'unknown-order', 'duplicate-line']),
          owedBefore: z.optional(z.number().check(z.int())),
          owedAfter: z.optional(z.number().check(z.int())),
        }),
      ),
      totals: z.object({ lines: z.number().check(z.int()), remitted: Minor(), fees: Minor(), booked: z.number().check(z.int()), findings: z.number().check(z.int()) }),
      recordedBy: z.string(),
      recordedAt: z.string(),
      reason: z.string(),
    })
    .register(z.globalRegistry, { id: 'CodRemittance' }),
);

/** `POST /admin/cod-remittances` — ops: a carrier's cash-on-delivery remittance report (PAY-4). */
export const recordCodRemittanceRoute = /* @__PURE__ */ defineRoute({
  operation: 'recordCodRemittance',
  method: 'post',
  pathTemplate: '/admin/cod-remittances',
  summary: 'Record a carrier’s cash-on-delivery remittance report and book it against each order',
  description: [
    'Per order: the cash the carrier remitted and the collection fee it kept. What matches what the carrier owes is booked (bank and carrier fees against cod-receivable); everything else is a finding on the report (short, over-remitted, already remitted, not delivered, not cash on delivery, unknown order, duplicate line).',
    'The carrier’s report id is the key: the same report again answers 200 with the recorded result and books nothing; other content under the same id is a 409. Audited with the reason (SEC-4).',
  ].join(' '),
  tags: ['payments', 'admin'],
  auth: { roles: ['ops'] },
  body: RecordRemittanceBody,
  responses: { 200: { description: 'Already recorded', schema: RemittanceDoc }, 201: { description: 'Recorded', schema: RemittanceDoc } },
  problems: [409],
});

/** `GET /admin/cod-remittances/{remittanceId}` — ops, analyst. */
export const getCodRemittanceRoute = /* @__PURE__ */ defineRoute({
  operation: 'getCodRemittance',
  method: 'get',
  pathTemplate: '/admin/cod-remittances/{remittanceId}',
  summary: 'A recorded cash-on-delivery remittance report with each line’s outcome',
  tags: ['payments', 'admin'],
  auth: { roles: ['ops', 'analyst'] },
  path: () => z.object({ remittanceId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'Must be 1–64 letters, digits or _ . : -')) }),
  responses: { 200: { description: 'The report', schema: RemittanceDoc } },
  problems: [404],
});

/** The remittance routes, for the OpenAPI document and the API. */
export const codRemittanceRoutes: readonly RouteContract[] = [recordCodRemittanceRoute, getCodRemittanceRoute] as readonly RouteContract[];
