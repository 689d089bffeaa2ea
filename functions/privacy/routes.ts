/**
 * The privacy capability's HTTP contract (SEC-3): a customer's consents per purpose —
 * `GET /me/consents` and `PUT /me/consents` (customer, their own only) — and their data rights:
 * `GET /me/data` (the export), `DELETE /me` (erasure by crypto-shredding), and
 * `GET /admin/privacy/requests` (admin: the requests with their status and timings).
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { CONSENT_PURPOSES } from './domain/consent.ts';

const CUSTOMER = { roles: ['customer'] } as const;
const ADMIN = { roles: ['admin'] } as const;

const PrivacyRequestDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      requestId: z.string(),
      kind: z.enum(['ERASURE', 'EXPORT']),
      customerId: z.string(),
      status: z.enum(['ERASING', 'ERASED', 'EXPORTED']),
      requestedAt: z.string(),
      completedAt: z.optional(z.string()),
      durationMs: z.optional(z.number().check(z.int())).check(z.describe('From request to completion')),
    })
    .register(z.globalRegistry, { id: 'PrivacyRequest' }),
);

const ConsentsDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      marketing: z.boolean(),
      analytics: z.boolean(),
      personalisation: z.boolean(),
      decidedAt: z
        .object(Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, z.optional(z.string())])))
        .check(z.describe('When each purpose was last given or withdrawn (absent: never decided, so not given)')),
      history: z
        .array(z.object({ purpose: z.enum(CONSENT_PURPOSES), granted: z.boolean(), at: z.string(), via: z.string() }))
        .check(z.describe('The latest decisions, newest first')),
    })
    .register(z.globalRegistry, { id: 'Consents' }),
);

/** `GET /me/consents` — customer. */
export const getMyConsentsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getMyConsents',
  method: 'get',
  pathTemplate: '/me/consents',
  summary: 'My consents: marketing, analytics, personalisation — each opt-in, with its history',
  tags: ['privacy'],
  auth: CUSTOMER,
  responses: { 200: { description: 'The consents', schema: ConsentsDoc } },
});

/** `PUT /me/consents` — customer: give or withdraw consent, per purpose. */
export const putMyConsentsRoute = /* @__PURE__ */ defineRoute({
  operation: 'putMyConsents',
  method: 'put',
  pathTemplate: '/me/consents',
  summary: 'Give or withdraw consent per purpose',
  description:
    'Purposes left out keep their state. Withdrawing takes effect at once: no marketing message is sent and no analytics job uses the customer’s data after it. The same answer again changes nothing.',
  tags: ['privacy'],
  auth: CUSTOMER,
  body: () =>
    z
      .strictObject({ marketing: z.optional(z.boolean()), analytics: z.optional(z.boolean()), personalisation: z.optional(z.boolean()) })
      .check(z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Name at least one purpose: marketing, analytics or personalisation' })),
  responses: { 200: { description: 'The consents after the decision', schema: ConsentsDoc } },
});

/** `GET /me/data` — customer: everything held about the caller, decrypted (a data-subject access export). */
export const getMyDataRoute = /* @__PURE__ */ defineRoute({
  operation: 'getMyData',
  method: 'get',
  pathTemplate: '/me/data',
  summary: 'Everything held about me, decrypted: profile, consents, orders with addresses, returns, tickets',
  description: 'Recorded as an EXPORT request. After an erasure the document holds no personal data.',
  tags: ['privacy'],
  auth: CUSTOMER,
  responses: {
    200: {
      description: 'The export',
      schema: () =>
        z
          .object({
            requestId: z.string(),
            generatedAt: z.string(),
            profile: z.object({ customerId: z.string(), erasedAt: z.optional(z.string()) }),
            consents: ConsentsDoc(),
            orders: z.array(z.record(z.string(), z.unknown())),
            returns: z.array(z.record(z.string(), z.unknown())),
            tickets: z.array(z.record(z.string(), z.unknown())),
          })
          .register(z.globalRegistry, { id: 'DataExport' }),
    },
  },
});

/** `DELETE /me` — customer: erase my personal data (crypto-shredding). */
export const deleteMeRoute = /* @__PURE__ */ defineRoute({
  operation: 'deleteMe',
  method: 'delete',
  pathTemplate: '/me',
  summary: 'Erase my personal data (crypto-shredding); orders remain with amounts and no personal data',
  description:
    'Destroys the caller’s data keys, so every copy of their personal data (tables, backups, the event archive, queues) becomes unreadable; removes it from their orders; disables their sign-in. Audited before it takes effect. A repeated call returns the same request. Complete within 30 seconds (the longest a running function keeps a key).',
  tags: ['privacy'],
  auth: CUSTOMER,
  responses: { 202: { description: 'Erasure accepted', schema: () => z.object({ requestId: z.string(), status: z.enum(['ERASING', 'ERASED']) }) } },
});

/** `GET /admin/privacy/requests` — admin. */
export const listPrivacyRequestsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listPrivacyRequests',
  method: 'get',
  pathTemplate: '/admin/privacy/requests',
  summary: 'Erasure and export requests, newest first (`?year=` for those received in one year), with their status and timings',
  tags: ['privacy', 'admin'],
  auth: ADMIN,
  query: () =>
    z.strictObject({
      limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
      year: z.optional(z.coerce.number().check(z.int(), z.gte(2000), z.lte(2100))).check(z.describe('Only the requests received in this year (UTC)')),
    }),
  responses: { 200: { description: 'The requests', schema: () => z.object({ items: z.array(PrivacyRequestDoc()) }) } },
});

/** Every privacy route, for the OpenAPI document. */
export const privacyRoutes = [getMyConsentsRoute, putMyConsentsRoute, getMyDataRoute, deleteMeRoute, listPrivacyRequestsRoute] as readonly RouteContract[];
