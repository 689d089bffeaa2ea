/**
 * The audit capability's HTTP contract (SEC-4, RISK-7, CMP-1): `GET /admin/audit`, admin only —
 * the audit trail, newest first, filtered by resource, actor and time, with the chain's last
 * verification state.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';

const ADMIN = { roles: ['admin'] } as const;

const IsoTime = /* @__PURE__ */ lazily(() => z.iso.datetime({ offset: true }));

/** `GET /admin/audit?resource=&actor=&from=&to=` query. */
export const AuditQuery = /* @__PURE__ */ lazily(() =>
  z.extend(paginationQuerySchema(), {
    resource: z
      .optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,39}:[A-Za-z0-9._#-]{1,128}$/)))
      .check(z.describe('`<type>:<id>`, e.g. `order:01JD…` — entries about that resource only')),
    actor: z.optional(z.string().check(z.minLength(1), z.maxLength(128))).check(z.describe('The staff user id (token `sub`) or system actor')),
    from: z.optional(IsoTime()).check(z.describe('Entries at or after this time (ISO 8601)')),
    to: z.optional(IsoTime()).check(z.describe('Entries at or before this time (ISO 8601)')),
  }),
);

const AuditEntryDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    seq: z.number().check(z.int()),
    at: z.string(),
    actor: z.string(),
    roles: z.array(z.string()),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string() }),
    reason: z.optional(z.string()),
    details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    correlationId: z.optional(z.string()),
    prevHash: z.string(),
    hash: z.string().check(z.describe('HMAC-SHA-256 (KMS HMAC key) of prevHash ‖ the canonical entry')),
  }),
);

const VerificationDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    verifiedAt: z.string(),
    intact: z.boolean(),
    entries: z.number().check(z.int()),
    head: z.optional(z.object({ seq: z.number().check(z.int()), hash: z.string() })),
    breaks: z.array(z.object({ seq: z.number().check(z.int()), problem: z.string() })),
    anchor: z.optional(
      z.object({
        checked: z
          .optional(z.object({ seq: z.number().check(z.int()), hash: z.string() }))
          .check(z.describe('The head anchored before (S3 Object Lock) that the chain was checked against')),
        anchoredHead: z.boolean().check(z.describe('Whether this verification anchored the head')),
      }),
    ),
  }),
);

/** `GET /admin/audit` — admin. */
export const listAuditEntriesRoute = /* @__PURE__ */ defineRoute({
  operation: 'listAuditEntries',
  method: 'get',
  pathTemplate: '/admin/audit',
  summary: 'The audit trail, newest first, with its verification state',
  tags: ['audit', 'admin'],
  auth: ADMIN,
  query: AuditQuery,
  responses: {
    200: {
      description: 'A page of audit entries and the last verification of the chain (null before the first)',
      schema: () => z.extend(pageSchema(AuditEntryDoc()), { verification: z.nullable(VerificationDoc()) }),
    },
  },
});

/** Every audit route, for the OpenAPI document. */
export const auditRoutes = [listAuditEntriesRoute] as readonly RouteContract[];
