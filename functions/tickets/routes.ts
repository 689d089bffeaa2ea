/**
 * The tickets capability's HTTP contract (AFT-2, AFT-3): customers open tickets, write on their
 * own and rate them once resolved; customer-service agents answer (or write internal notes the
 * customer never sees), work the queue and resolve; ops keep the roster of agents on duty; agents,
 * ops and analysts read the service metrics. Mutating routes take an `Idempotency-Key`.
 */
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../events/ticket-events.ts';
import { pageSchema, paginationQuerySchema } from '../../shared/http/pagination.ts';
import { defineRoute, type RouteContract } from '../../shared/http/route.ts';
import { ULID_PATTERN } from '../../shared/ids.ts';
import { freeText } from '../../shared/text.ts';

const CUSTOMER_AND_AGENT = { roles: ['customer', 'cs-agent'] } as const;
const Ulid = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ULID_PATTERN, 'Must be a ULID')));
const IsoDay = /* @__PURE__ */ lazily(() =>
  z.string().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date (YYYY-MM-DD)'),
    z.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Must be a real date'),
  ),
);
/** Message text: may span lines (the request-wide text check still refuses control characters). */
const MessageText = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)));
const AgentId = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'Must be a staff user id (1–128 letters, digits, . _ @ -)')));

const TicketPath = /* @__PURE__ */ lazily(() => z.object({ ticketId: Ulid() }));

const MessageDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    messageId: z.string(),
    author: z.enum(['customer', 'agent', 'system']),
    authorId: z.optional(z.string()).check(z.describe('Staff only')),
    internal: z.optional(z.boolean()).check(z.describe('Staff only: an internal note (never shown to the customer)')),
    message: z.string(),
    at: z.string(),
  }),
);

const TicketDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({
      ticketId: z.string(),
      customerId: z.optional(z.string()).check(z.describe('Staff only')),
      category: z.enum(TICKET_CATEGORIES),
      orderId: z.optional(z.string()),
      returnId: z.optional(z.string()),
      subject: z.string(),
      status: z.enum(TICKET_STATUSES),
      assignee: z.optional(z.string()).check(z.describe('Staff only')),
      openedAt: z.string(),
      due: z.object({ firstResponse: z.string(), resolution: z.string() }).check(z.describe('When each clock is due as of now (time waiting on the customer excluded)')),
      paused: z.boolean().check(z.describe('True while waiting on the customer: the clocks do not run')),
      breaches: z.array(z.object({ clock: z.enum(['first-response', 'resolution']), dueAt: z.string(), detectedAt: z.string() })),
      firstRespondedAt: z.optional(z.string()),
      resolvedAt: z.optional(z.string()),
      resolution: z.optional(z.string()),
      closedAt: z.optional(z.string()),
      rating: z.optional(z.object({ score: z.number().check(z.int()), nps: z.optional(z.number().check(z.int())), comment: z.optional(z.string()), ratedAt: z.string() })),
      updatedAt: z.string(),
      messages: z.optional(z.array(MessageDoc())).check(z.describe('The thread, oldest first (single ticket reads)')),
    })
    .register(z.globalRegistry, { id: 'Ticket' }),
);

/** `POST /tickets` — customer. */
export const openTicketRoute = /* @__PURE__ */ defineRoute({
  operation: 'openTicket',
  method: 'post',
  pathTemplate: '/tickets',
  summary: 'Open a customer-service ticket',
  description:
    'The clocks start: a first response within 20 minutes for every category, and the category’s resolution clock (complaints 72 h, counterfeit or damage 24 h). Assigned to the least-loaded agent on duty (unassigned when nobody is).',
  tags: ['tickets'],
  auth: { roles: ['customer'] },
  idempotent: true,
  body: () =>
    z
      .strictObject({ category: z.enum(TICKET_CATEGORIES), subject: freeText(200), message: MessageText(), orderId: z.optional(Ulid()) })
      .register(z.globalRegistry, { id: 'OpenTicketInput' }),
  responses: { 201: { description: 'The ticket, OPEN, with its due times', schema: TicketDoc } },
});

/** `GET /tickets` — customer (own), cs-agent. */
export const listTicketsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listTickets',
  method: 'get',
  pathTemplate: '/tickets',
  summary: 'Tickets: a customer’s own (newest first); for agents the active queue, or one customer’s tickets',
  tags: ['tickets'],
  auth: CUSTOMER_AND_AGENT,
  query: () =>
    z.extend(paginationQuerySchema(), { customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))).check(z.describe('Agents only: this customer’s tickets')) }),
  responses: { 200: { description: 'A page of tickets (without their threads)', schema: () => pageSchema(TicketDoc()) } },
});

/** `GET /tickets/{ticketId}` — customer (own), cs-agent. */
export const getTicketRoute = /* @__PURE__ */ defineRoute({
  operation: 'getTicket',
  method: 'get',
  pathTemplate: '/tickets/{ticketId}',
  summary: 'A ticket with its thread, status, due times and breaches',
  description: 'Customers see their own tickets only (another customer’s is a 404) and never internal notes.',
  tags: ['tickets'],
  auth: CUSTOMER_AND_AGENT,
  path: TicketPath,
  responses: { 200: { description: 'The ticket', schema: TicketDoc } },
  problems: [404],
});

/** `POST /tickets/{ticketId}/messages` — customer (own), cs-agent. */
export const postTicketMessageRoute = /* @__PURE__ */ defineRoute({
  operation: 'postTicketMessage',
  method: 'post',
  pathTemplate: '/tickets/{ticketId}/messages',
  summary: 'Write on a ticket: the customer, an agent’s reply, or an agent’s internal note',
  description:
    'An agent’s first reply stops the first-response clock. `awaitCustomer` (agents) asks the customer something: WAITING_ON_CUSTOMER, the clocks pause until the customer writes. `internal` (agents) is a note the customer never sees.',
  tags: ['tickets'],
  auth: CUSTOMER_AND_AGENT,
  idempotent: true,
  path: TicketPath,
  body: () =>
    z.strictObject({ message: MessageText(), internal: z.optional(z.boolean()), awaitCustomer: z.optional(z.boolean()) }).register(z.globalRegistry, { id: 'TicketMessageInput' }),
  responses: { 201: { description: 'The ticket after the message', schema: TicketDoc } },
  problems: [404, 409],
});

/** `POST /tickets/{ticketId}/rating` — customer (own, resolved tickets). */
export const rateTicketRoute = /* @__PURE__ */ defineRoute({
  operation: 'rateTicket',
  method: 'post',
  pathTemplate: '/tickets/{ticketId}/rating',
  summary: 'Rate a resolved ticket (1–5) and optionally give an NPS score (0–10); the ticket closes',
  tags: ['tickets'],
  auth: { roles: ['customer'] },
  idempotent: true,
  path: TicketPath,
  body: () =>
    z
      .strictObject({ score: z.number().check(z.int(), z.gte(1), z.lte(5)), nps: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10))), comment: z.optional(freeText(1000)) })
      .register(z.globalRegistry, { id: 'TicketRatingInput' }),
  responses: { 201: { description: 'The closed ticket with its rating', schema: TicketDoc } },
  problems: [404, 409],
});

/** `GET /admin/tickets` — cs-agent, ops. */
export const ticketQueueRoute = /* @__PURE__ */ defineRoute({
  operation: 'listTicketQueue',
  method: 'get',
  pathTemplate: '/admin/tickets',
  summary: 'The ticket queue, most urgent due first',
  description: 'Without `status`: every active ticket (OPEN, ANSWERED, WAITING_ON_CUSTOMER — last, its clocks paused — and ESCALATED). RESOLVED or CLOSED: newest first.',
  tags: ['tickets', 'admin'],
  auth: { roles: ['cs-agent', 'ops'] },
  query: () =>
    z.extend(paginationQuerySchema(), {
      status: z.optional(z.enum(TICKET_STATUSES)),
      breached: z
        .optional(
          z.pipe(
            z.enum(['true', 'false']),
            z.transform((v) => v === 'true'),
          ),
        )
        .check(z.describe('Only tickets with (true) or without (false) a breached clock')),
      assignee: z.optional(AgentId()),
    }),
  responses: { 200: { description: 'A page of the queue', schema: () => pageSchema(TicketDoc()) } },
});

/** `POST /admin/tickets/{ticketId}/resolve` — cs-agent. */
export const resolveTicketRoute = /* @__PURE__ */ defineRoute({
  operation: 'resolveTicket',
  method: 'post',
  pathTemplate: '/admin/tickets/{ticketId}/resolve',
  summary: 'Resolve a ticket (audited)',
  tags: ['tickets', 'admin'],
  auth: { roles: ['cs-agent'] },
  idempotent: true,
  path: TicketPath,
  body: () =>
    z
      .strictObject({ resolution: MessageText().check(z.describe('What was done (refund, exchange, compensation, an answer): shown to the customer')) })
      .register(z.globalRegistry, { id: 'ResolveTicketInput' }),
  responses: { 200: { description: 'The resolved ticket', schema: TicketDoc } },
  problems: [404, 409],
});

const AgentDoc = /* @__PURE__ */ lazily(() =>
  z
    .object({ agentId: z.string(), onDuty: z.boolean(), openTickets: z.number().check(z.int()), updatedAt: z.string(), updatedBy: z.string() })
    .register(z.globalRegistry, { id: 'ServiceAgent' }),
);

/** `PUT /admin/service/agents/{agentId}` — ops. */
export const putServiceAgentRoute = /* @__PURE__ */ defineRoute({
  operation: 'putServiceAgent',
  method: 'put',
  pathTemplate: '/admin/service/agents/{agentId}',
  summary: 'Put a customer-service agent on or off duty (audited)',
  description: 'New tickets go to the on-duty agent with the fewest open tickets.',
  tags: ['tickets', 'admin'],
  auth: { roles: ['ops'] },
  idempotent: true,
  path: () => z.object({ agentId: AgentId() }),
  body: () => z.strictObject({ onDuty: z.boolean() }).register(z.globalRegistry, { id: 'ServiceAgentInput' }),
  responses: { 200: { description: 'The agent', schema: AgentDoc } },
  problems: [409],
});

/** `GET /admin/service/agents` — ops, cs-agent. */
export const listServiceAgentsRoute = /* @__PURE__ */ defineRoute({
  operation: 'listServiceAgents',
  method: 'get',
  pathTemplate: '/admin/service/agents',
  summary: 'The customer-service roster: who is on duty and their open tickets',
  tags: ['tickets', 'admin'],
  auth: { roles: ['ops', 'cs-agent'] },
  responses: { 200: { description: 'Every agent on the roster', schema: () => z.object({ items: z.array(AgentDoc()) }) } },
});

const ReportDoc = /* @__PURE__ */ lazily(() =>
  z.object({
    ratings: z.number().check(z.int()),
    csat: z.nullable(z.number()).check(z.describe('Mean satisfaction score (1–5)')),
    satisfactionBand: z.nullable(z.enum(['good', 'acceptable', 'needs-action'])),
    npsResponses: z.number().check(z.int()),
    nps: z.nullable(z.number()).check(z.describe('%promoters (9–10) − %detractors (0–6)')),
    npsOnTarget: z.nullable(z.boolean()),
    resolved: z.number().check(z.int()),
    withinFirstResponse: z.nullable(z.number()).check(z.describe('Share of resolved tickets first answered within their clock')),
    withinResolution: z.nullable(z.number()).check(z.describe('Share of resolved tickets resolved within their clock')),
  }),
);

/** `GET /admin/service/metrics` — cs-agent, ops, analyst. */
export const serviceMetricsRoute = /* @__PURE__ */ defineRoute({
  operation: 'getServiceMetrics',
  method: 'get',
  pathTemplate: '/admin/service/metrics',
  summary: 'CSAT, NPS and the share of tickets within each clock, per day and per agent (AFT-3)',
  description:
    'Ratings count on the day they were given, clocks on the day the ticket was resolved, each for the resolving agent. Bands from the handbooks: satisfaction ≥ 4.5 good, < 3.5 needs action; NPS target ≥ 70. Default range: the last 7 days.',
  tags: ['tickets', 'admin'],
  auth: { roles: ['cs-agent', 'ops', 'analyst'] },
  query: () => z.object({ from: z.optional(IsoDay()), to: z.optional(IsoDay()) }),
  responses: {
    200: {
      description: 'The metrics',
      schema: () =>
        z.object({
          from: z.string(),
          to: z.string(),
          bands: z.object({ satisfactionGood: z.number(), satisfactionNeedsActionBelow: z.number(), npsTarget: z.number() }),
          total: ReportDoc(),
          days: z.array(z.extend(ReportDoc(), { day: z.string() })),
          agents: z.array(z.extend(ReportDoc(), { agentId: z.string() })),
        }),
    },
  },
});

/** The routes of the customer-facing function. */
export const ticketDeskRoutes = [openTicketRoute, listTicketsRoute, getTicketRoute, postTicketMessageRoute, rateTicketRoute] as readonly RouteContract[];
/** The routes of the staff function. */
export const ticketAdminRoutes = [ticketQueueRoute, resolveTicketRoute, putServiceAgentRoute, listServiceAgentsRoute, serviceMetricsRoute] as readonly RouteContract[];
/** Every tickets route, for the OpenAPI document and the API. */
export const ticketRoutes: readonly RouteContract[] = [...ticketDeskRoutes, ...ticketAdminRoutes];
