/**
 * Tickets settings (AFT-2, AFT-3), validated once per container:
 *
 * | variable | default | what |
 * |---|---|---|
 * | `TICKET_SLA_POLICIES` | {@link DEFAULT_SLA_POLICIES} (domain/policy.ts) | JSON: per category `{ firstResponseMinutes, resolutionHours }`; categories left out keep their default |
 * | `TICKET_OUTBOX_REPUBLISH_AFTER_SECONDS` | 60 | the sweep republishes outbox events left unpublished this long |
 * | `TICKET_METRICS_MAX_DAYS` | 92 | the longest `from`–`to` range `GET /admin/service/metrics` reports |
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, intSetting, jsonSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import { DEFAULT_SLA_POLICIES } from './domain/policy.ts';
import type { SlaPolicy } from './domain/sla.ts';
import { TICKET_CATEGORIES, type TicketCategory } from './domain/ticket.ts';

const PolicySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    firstResponseMinutes: z.number().check(z.int(), z.gte(1), z.lte(7 * 24 * 60)),
    resolutionHours: z.number().check(z.int(), z.gte(1), z.lte(90 * 24)),
  }),
);

const SlaPoliciesSchema = /* @__PURE__ */ lazily(() => z.partialRecord(z.enum(TICKET_CATEGORIES), PolicySchema()));

export const ticketsSettings = /* @__PURE__ */ defineSettings(
  'tickets',
  () => ({
    TICKET_SLA_POLICIES: z.optional(jsonSetting(SlaPoliciesSchema())),
    TICKET_OUTBOX_REPUBLISH_AFTER_SECONDS: z._default(intSetting(10, 3600), 60),
    TICKET_METRICS_MAX_DAYS: z._default(intSetting(1, 366), 92),
  }),
  (env) => ({
    policies: { ...DEFAULT_SLA_POLICIES, ...(env.TICKET_SLA_POLICIES ?? {}) } as Readonly<Record<TicketCategory, SlaPolicy>>,
    outboxRepublishAfterSeconds: env.TICKET_OUTBOX_REPUBLISH_AFTER_SECONDS,
    metricsMaxDays: env.TICKET_METRICS_MAX_DAYS,
  }),
);

export type TicketsSettings = ReturnType<typeof ticketsSettings>;
