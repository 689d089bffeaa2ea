/**
 * Customer-service ticket events (AFT-2), source `commerce.tickets`. Ids, categories and times
 * only: subjects and messages stay in the tickets table.
 *
 * - `TicketStatusChanged`: every transition of a ticket (opened, answered, waiting on the customer,
 *   resolved, closed, escalated). Consumer: notifications.
 * - `TicketEscalated`: a ticket breached one of its clocks (first response or resolution). Routed to
 *   the operations alert target, like `ProblemOrderRaised`, for the operations lead.
 */
import * as z from '../shared/zod.ts';
import { lazily } from '../shared/lazily.ts';
import { defineEvent } from './event-definition.ts';
import { ActorSchema, IdSchema } from './common.ts';

export const TICKET_CATEGORIES = ['enquiry', 'complaint', 'counterfeit-or-damage', 'privacy', 'delivery'] as const;
export const TicketCategorySchema = /* @__PURE__ */ lazily(() => z.enum(TICKET_CATEGORIES));
export const TICKET_STATUSES = ['OPEN', 'ANSWERED', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED', 'ESCALATED'] as const;
export const TicketStatusSchema = /* @__PURE__ */ lazily(() => z.enum(TICKET_STATUSES));

const ex = { ticketId: '01JD7ZKH71V8Q4N6M5R9T0W1YM', customerId: 'alice', category: 'complaint' as const };

export const TicketStatusChanged = /* @__PURE__ */ defineEvent({
  name: 'TicketStatusChanged',
  version: 1,
  source: 'commerce.tickets',
  description: 'A customer-service ticket moved to a new status (AFT-2).',
  schema: () =>
    z.object({
      ticketId: IdSchema(),
      customerId: ActorSchema(),
      category: TicketCategorySchema(),
      status: TicketStatusSchema(),
      previousStatus: z.optional(TicketStatusSchema()),
      orderId: z.optional(IdSchema()),
      /** On RESOLVED: whether each clock was met (AFT-2; for the SLA-compliance KPI, KPI-1). */
      sla: z.optional(z.object({ firstResponseMet: z.boolean(), resolutionMet: z.boolean() })),
      /** On CLOSED by the customer's rating: the score (1–5) and NPS answer (0–10), never the comment (AFT-3, KPI-1). */
      rating: z.optional(z.object({ score: z.number().check(z.int(), z.gte(1), z.lte(5)), nps: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10))) })),
      changedAt: z.iso.datetime(),
    }),
  example: { ...ex, status: 'ANSWERED', previousStatus: 'OPEN', changedAt: '2026-11-26T10:05:00.000Z' },
});

export const TicketEscalated = /* @__PURE__ */ defineEvent({
  name: 'TicketEscalated',
  version: 1,
  source: 'commerce.tickets',
  description: 'A ticket breached its first-response or resolution clock (AFT-2); an alert for the operations lead.',
  schema: () =>
    z.object({
      ticketId: IdSchema(),
      category: TicketCategorySchema(),
      breach: z.enum(['first-response', 'resolution']),
      dueAt: z.iso.datetime(),
      assignee: z.optional(ActorSchema()),
      escalatedAt: z.iso.datetime(),
    }),
  example: { ticketId: ex.ticketId, category: 'complaint', breach: 'resolution', dueAt: '2026-11-29T10:00:00.000Z', assignee: 'agent-1', escalatedAt: '2026-11-29T10:01:00.000Z' },
});
