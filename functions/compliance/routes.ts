/**
 * The compliance capability's HTTP contract (CMP-1, CMP-2): the findings of the scheduled scans
 * (admin: every scan; content-reviewer: banned terms only) and resolving them, audited (SEC-4).
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { SEVERITIES } from '../../shared/severity.ts';
import { FINDING_ID_PATTERN, FINDING_STATUSES, RESOLUTION_OUTCOMES } from './findings-repository.ts';
import { SCAN_ID_PATTERN } from './scans/compliance-scan.ts';

const REVIEWERS = { roles: ['admin', 'content-reviewer'] } as const;

const ScanId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(SCAN_ID_PATTERN, 'Must be a scan id, e.g. banned-terms')));

/** `GET /admin/compliance/findings` query. */
export const FindingsQuery = /* @__PURE__ */ lazily(() =>
  z.extend(paginationQuerySchema(), {
    scan: z.optional(ScanId()).check(z.describe('Findings of one scan only (e.g. `banned-terms`, `unpaid-orders`, `audit-chain`)')),
    status: z.optional(z.enum(FINDING_STATUSES)).check(z.describe('`open`, `confirmed` (a reviewer confirmed it) or `resolved`')),
  }),
);

const ResolutionDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    outcome: z
      .enum(RESOLUTION_OUTCOMES)
      .check(z.describe('`fixed` (the scan no longer sees it, or staff fixed it), `confirmed` (a reviewer confirmed it), `dismissed` (not a defect)')),
    by: z.string().check(z.describe('Staff user id, or `system:<scan>`')),
    at: z.string(),
    note: z.optional(z.string()),
  }),
);

/** A finding as the API shows it. */
export const FindingDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      findingId: z.string().check(z.describe('`<scan>~<base64url(subject)>`')),
      scan: z.string(),
      subject: z.string().check(z.describe('What is wrong, within the scan: an order id, a SKU, `table#key`…')),
      severity: z.enum(SEVERITIES),
      summary: z.string(),
      details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
      status: z.enum(FINDING_STATUSES),
      firstSeenAt: z.string(),
      lastSeenAt: z.string(),
      resolution: z.optional(ResolutionDoc()),
    })
    .register(z.globalRegistry, { id: 'ComplianceFinding' }),
);

/** `GET /admin/compliance/findings?scan=&status=` — admin (every scan), content-reviewer (banned terms only). */
export const listFindingsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listComplianceFindings',
  method: 'get',
  pathTemplate: '/admin/compliance/findings',
  summary: 'Findings of the scheduled compliance scans, by scan then subject (content reviewers: banned terms only)',
  tags: ['compliance', 'admin'],
  auth: REVIEWERS,
  query: FindingsQuery,
  responses: { 200: { description: 'A page of findings', schema: () => pageSchema(FindingDoc()) } },
});

const FindingPath = /* @__PURE__ */ lazily(() => z.object({ findingId: z.string().check(z.regex(FINDING_ID_PATTERN, 'Must be a finding id')) }));

/** `POST /admin/compliance/findings/{findingId}/resolve` — admin, content-reviewer; audited. */
export const resolveFindingRoute = /* @__PURE__ */ defineRoute({
  operation: 'resolveComplianceFinding',
  method: 'post',
  pathTemplate: '/admin/compliance/findings/{findingId}/resolve',
  summary: 'Confirm, dismiss or mark fixed a finding (content reviewers: banned-terms findings only; confirming one takes the listing down)',
  description: [
    '`confirmed`: the defect is real (open → confirmed); a confirmed `banned-terms` finding takes the listing down at once (no longer shown to shoppers).',
    '`dismissed` (not a defect) or `fixed`: open or confirmed → resolved.',
    'Audited before it takes effect (SEC-4), with the note. Unknown finding → 404; a finding already in that state → 409.',
  ].join(' '),
  tags: ['compliance', 'admin'],
  auth: REVIEWERS,
  idempotent: true,
  path: FindingPath,
  body: () =>
    z
      .strictObject({
        resolution: z.enum(RESOLUTION_OUTCOMES),
        note: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(500))).check(z.describe('Why (audited; no personal data)')),
      })
      .register(z.globalRegistry, { id: 'ComplianceFindingResolution' }),
  responses: { 200: { description: 'The finding after the change', schema: FindingDoc } },
  problems: [404, 409],
});

const Counts = /* @__PURE__ */ lazily(() => z.record(z.string(), z.number().check(z.int())));

/** `GET /admin/compliance/reports/{year}` — admin. */
export const getComplianceReportRoute = /* @__PURE__ */ defineRoute({
  operation: 'getComplianceReport',
  method: 'get',
  pathTemplate: '/admin/compliance/reports/{year}',
  summary: 'The yearly data-security compliance report (CMP-2): figures, and the keys of its HTML and PDF',
  description: [
    'Findings seen during the year by severity, status and outcome, per scan; incidents (critical and high findings); privacy requests; staff reads of personal data (audit trail); the audit chain’s last verification.',
    'The report is stored as JSON, HTML (Chinese and English headings) and PDF in the compliance report bucket under `compliance-reports/<year>/`: a finished year’s stored report is returned as is (generated on 1 January), the current year’s is generated afresh.',
  ].join(' '),
  tags: ['compliance', 'admin'],
  auth: { roles: ['admin'] },
  path: () => z.object({ year: z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100)) }),
  responses: {
    200: {
      description: 'The report',
      schema: () =>
        z.object({
          figures: z.object({
            year: z.number().check(z.int()),
            generatedAt: z.string(),
            findings: z.object({ total: z.number().check(z.int()), bySeverity: Counts(), byStatus: Counts(), byOutcome: Counts() }),
            scans: z.array(z.object({ scan: z.string(), description: z.string(), findings: z.number().check(z.int()), bySeverity: Counts() })),
            incidents: z.array(
              z.object({ findingId: z.string(), scan: z.string(), severity: z.enum(SEVERITIES), status: z.string(), firstSeenAt: z.string(), summary: z.string() }),
            ),
            privacyRequests: z
              .object({
                received: z.number().check(z.int()),
                served: z.number().check(z.int()),
                byKind: z.object({
                  export: z.object({ received: z.number().check(z.int()), served: z.number().check(z.int()) }),
                  erasure: z.object({ received: z.number().check(z.int()), served: z.number().check(z.int()) }),
                }),
                medianMsToServe: z.nullable(z.number().check(z.int())),
                maxMsToServe: z.nullable(z.number().check(z.int())),
              })
              .check(z.describe('Export and erasure requests received during the year, those of them served, and the median and longest time from request to completion (ms)')),
            staffAccess: z.object({ personalDataReads: z.number().check(z.int()), byAction: Counts() }),
            auditChain: z.object({ verifiedAt: z.nullable(z.string()), intact: z.nullable(z.boolean()), entries: z.number().check(z.int()), breaks: z.number().check(z.int()) }),
          }),
          keys: z.object({ json: z.string(), html: z.string(), pdf: z.string() }).check(z.describe('S3 keys in the compliance report bucket')),
        }),
    },
  },
  problems: [400],
});

/** Every compliance route, for the OpenAPI document. */
export const complianceRoutes = [listFindingsRoute, resolveFindingRoute, getComplianceReportRoute] as readonly RouteContract[];
