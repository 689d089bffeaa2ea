/**
 * The privacy capability's HTTP contract (SEC-3): a customer's consents per purpose —
 * `GET /me/consents` and `PUT /me/consents` (customer, their own only).
 */
import * as z from 'zod';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { CONSENT_PURPOSES } from './domain/consent.ts';

const CUSTOMER = { roles: ['customer'] } as const;

const ConsentsDoc = z
  .object({
    marketing: z.boolean(),
    analytics: z.boolean(),
    personalisation: z.boolean(),
    decidedAt: z.object(Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, z.string().optional()]))).describe('When each purpose was last given or withdrawn (absent: never decided, so not given)'),
    history: z.array(z.object({ purpose: z.enum(CONSENT_PURPOSES), granted: z.boolean(), at: z.string(), via: z.string() })).describe('The latest decisions, newest first'),
  })
  .meta({ id: 'Consents' });

/** `GET /me/consents` — customer. */
export const getMyConsentsRoute = defineRoute({
  operation: 'getMyConsents',
  method: 'get',
  pathTemplate: '/me/consents',
  summary: 'My consents: marketing, analytics, personalisation — each opt-in, with its history',
  tags: ['privacy'],
  auth: CUSTOMER,
  responses: { 200: { description: 'The consents', schema: ConsentsDoc } },
});

/** `PUT /me/consents` — customer: give or withdraw consent, per purpose. */
export const putMyConsentsRoute = defineRoute({
  operation: 'putMyConsents',
  method: 'put',
  pathTemplate: '/me/consents',
  summary: 'Give or withdraw consent per purpose',
  description: 'Purposes left out keep their state. Withdrawing takes effect at once: no marketing message is sent and no analytics job uses the customer’s data after it. The same answer again changes nothing.',
  tags: ['privacy'],
  auth: CUSTOMER,
  body: z
    .strictObject({ marketing: z.boolean().optional(), analytics: z.boolean().optional(), personalisation: z.boolean().optional() })
    .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Name at least one purpose: marketing, analytics or personalisation' }),
  responses: { 200: { description: 'The consents after the decision', schema: ConsentsDoc } },
});

/** Every privacy route, for the OpenAPI document. */
export const privacyRoutes = [getMyConsentsRoute, putMyConsentsRoute] as readonly RouteContract[];
