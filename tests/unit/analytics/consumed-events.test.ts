/**
 * KPI-1, issue 15: analytics' rule filters out the events analytics ignores, and only those. Every
 * variant of each filtered event type is matched against the rule's pattern (the local cloud's
 * EventBridge matcher) and given to the domain's effectOf: an event the rule drops must have no
 * effect, and an event with an effect must pass.
 */
import { describe, expect, it } from 'vitest';
import type { AnyEventDefinition } from '../../../events/event-definition.ts';
import { RiskApproved, RiskRejected, RiskReviewRequired } from '../../../events/risk-assessed.ts';
import { TICKET_STATUSES, TicketStatusChanged } from '../../../events/ticket-events.ts';
import { ANALYTICS_EVENT_FILTERS, ANALYTICS_EVENTS } from '../../../functions/analytics/consumed-events.ts';
import { effectOf, type AnalyticsEvent } from '../../../functions/analytics/domain/effects.ts';
import { consumerEventPattern } from '../../../infra/constructs/messaging.ts';
import { matchesEventPattern, validateEventPattern } from '../../../infra/local/event-pattern.ts';

const pattern = consumerEventPattern(ANALYTICS_EVENTS, undefined, ANALYTICS_EVENT_FILTERS);
const meta = { eventId: '01JD7ZKH71V8Q4N6M5R9T0W1YA', correlationId: 'c-1', occurredAt: '2026-11-26T10:00:00.000Z' };

/** The event as the bus holds it and as the consumer hands it to the domain. */
function variant(definition: AnyEventDefinition, payload: Record<string, unknown>) {
  const detail: Record<string, unknown> = { version: definition.version, ...payload, meta };
  const envelope = {
    version: '0',
    id: '1',
    account: '000000000000',
    region: 'us-east-1',
    time: '2026-11-26T10:00:00Z',
    resources: [],
    'detail-type': definition.name,
    source: definition.source,
    detail,
  };
  return { envelope, event: { name: definition.name, detail } as unknown as AnalyticsEvent };
}

const hasEffect = (event: AnalyticsEvent) => Object.keys(effectOf(event)).length > 0;

const riskVariants = [RiskApproved, RiskReviewRequired, RiskRejected].flatMap((definition) =>
  (['rules', 'analyst'] as const).map((decidedBy) =>
    variant(definition, { ...(definition.example as Record<string, unknown>), decidedBy, ...(decidedBy === 'analyst' ? { analystId: 'analyst-1' } : {}) }),
  ),
);
const ticketVariants = TICKET_STATUSES.flatMap((status) =>
  [
    {},
    { rating: { score: 4, nps: 9 } },
    { rating: { score: 2 } },
    { sla: { firstResponseMet: true, resolutionMet: false } },
    { rating: { score: 5 }, sla: { firstResponseMet: false, resolutionMet: true } },
  ].map((extra) => variant(TicketStatusChanged, { ...(TicketStatusChanged.example as Record<string, unknown>), status, ...extra })),
);

describe("KPI-1: analytics' rule drops only what analytics ignores (issue 15)", () => {
  it('the pattern is one EventBridge accepts', () => {
    validateEventPattern(pattern);
  });

  it.each([...riskVariants, ...ticketVariants].map((v) => [`${v.event.name} ${JSON.stringify({ ...v.event.detail, meta: undefined }).slice(0, 120)}`, v] as const))(
    '%s: an event with an effect is delivered (so a dropped one has none)',
    (_, { envelope, event }) => {
      const delivered = matchesEventPattern(pattern, envelope);
      if (hasEffect(event)) expect(delivered).toBe(true);
    },
  );

  it('the filters drop something: a rules approval, an analyst review and an unrated, unresolved ticket change never reach analytics; an analyst approval, a rules review and every rejection do', () => {
    const [rulesApproval, analystApproval, rulesReview, analystReview] = riskVariants;
    expect(matchesEventPattern(pattern, rulesApproval!.envelope)).toBe(false);
    expect(matchesEventPattern(pattern, analystApproval!.envelope)).toBe(true);
    expect(matchesEventPattern(pattern, rulesReview!.envelope)).toBe(true);
    expect(matchesEventPattern(pattern, analystReview!.envelope)).toBe(false);
    for (const rejection of riskVariants.filter((v) => v.event.name === RiskRejected.name)) expect(matchesEventPattern(pattern, rejection.envelope)).toBe(true);
    const answered = ticketVariants.find((v) => v.envelope.detail.status === 'ANSWERED' && !('rating' in v.envelope.detail) && !('sla' in v.envelope.detail));
    expect(matchesEventPattern(pattern, answered!.envelope)).toBe(false);
  });

  it('a filter for an event type the consumer does not consume, or beside a filter of every event, is a construction error', () => {
    expect(() => consumerEventPattern([RiskApproved], undefined, { RiskRejected: { decidedBy: ['rules'] } })).toThrow(/does not consume: RiskRejected/);
    expect(() => consumerEventPattern([RiskApproved], { decidedBy: ['rules'] }, { RiskApproved: { decidedBy: ['rules'] } })).toThrow(/not both/);
  });
});
