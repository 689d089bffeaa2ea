/**
 * The audit capability's HTTP contract (SEC-4, RISK-7, CMP-1): `GET /admin/audit`, admin only —
 * the audit trail, newest first, filtered by resource, actor and time, with the chain's last
 * verification state.
 */
import * as z from 'zod';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';

const ADMIN = { roles: ['admin'] } as const;

const IsoTime = lazily(() => z.iso.datetime({ offset: true }));

/** `GET /admin/audit?resource=&actor=&from=&to=` query. */
export const AuditQuery = lazily(() =>
  paginationQuerySchema().extend({
    resource: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}:[A-Za-z0-9._#-]{1,128}$/)
      .optional()
      .describe('`<type>:<id>`, e.g. `order:01JD…` — entries about that resource only'),
    actor: z.string().min(1).max(128).optional().describe('The staff user id (token `sub`) or system actor'),
    from: IsoTime().optional().describe('Entries at or after this time (ISO 8601)'),
    to: IsoTime().optional().describe('Entries at or before this time (ISO 8601)'),
  }),
);

const AuditEntryDoc = lazily(() =>
  z.object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    roles: z.array(z.string()),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string() }),
    reason: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    correlationId: z.string().optional(),
    prevHash: z.string(),
    hash: z.string().describe('HMAC-SHA-256 (KMS HMAC key) of prevHash ‖ the canonical entry'),
  }),
);

const VerificationDoc = lazily(() =>
  z.object({
    verifiedAt: z.string(),
    intact: z.boolean(),
    entries: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
    breaks: z.array(z.object({ seq: z.number().int(), problem: z.string() })),
    anchor: z
      .object({
        checked: z.object({ seq: z.number().int(), hash: z.string() }).optional().describe('The head anchored before (S3 Object Lock) that the chain was checked against'),
        anchoredHead: z.boolean().describe('Whether this verification anchored the head'),
      })
      .optional(),
  }),
);

/** `GET /admin/audit` — admin. */
export const listAuditEntriesRoute = defineRoute({
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
      schema: () => pageSchema(AuditEntryDoc()).extend({ verification: VerificationDoc().nullable() }),
    },
  },
});

/** Every audit route, for the OpenAPI document. */
export const auditRoutes = [listAuditEntriesRoute] as readonly RouteContract[];
