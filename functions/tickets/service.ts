/**
 * Staff use cases of the service desk: the agent roster (ops, audited) and the service metrics
 * (AFT-3) from the per-day counters kept with each resolution and rating — no table scan: one
 * query per day of the range (at most `metricsMaxDays`).
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest, conflict } from '../../shared/errors.ts';
import { addCounters, NPS_TARGET, SATISFACTION_GOOD, SATISFACTION_NEEDS_ACTION, serviceReport, ZERO_COUNTERS, type ServiceCounters } from './domain/metrics.ts';
import { TicketWriteConflict, type AgentRecord, type TicketRepository } from './ticket-repository.ts';

/** Puts an agent on or off duty (new tickets go to the least-loaded on-duty agent); audited first. */
export async function setAgentOnDuty(
  deps: { repository: TicketRepository; audit: AuditLog; clock: Clock },
  principal: Principal,
  agentId: string,
  input: { onDuty: boolean; correlationId: string },
): Promise<AgentRecord> {
  // Audited before it takes effect (SEC-4).
  await deps.audit.record({
    actor: principal.userId,
    roles: principal.roles,
    action: input.onDuty ? 'agent.on-duty' : 'agent.off-duty',
    resource: { type: 'agent', id: agentId },
    correlationId: input.correlationId,
  });
  let agent: AgentRecord | undefined;
  for (let attempt = 1; !agent; attempt++) {
    try {
      agent = await deps.repository.setOnDuty(agentId, input.onDuty, principal.userId, deps.clock.now().toISOString());
    } catch (error) {
      if (error instanceof TicketWriteConflict && attempt < 4) continue;
      if (error instanceof TicketWriteConflict) throw conflict('The agent changed meanwhile; try again.');
      throw error;
    }
  }
  return agent;
}

/** The days from `from` to `to` (YYYY-MM-DD, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** CSAT, NPS and the share of tickets within each clock: over the range, per day and per agent, with the handbook bands. */
export async function serviceMetrics(deps: { repository: TicketRepository; clock: Clock; maxDays: number }, query: { from?: string; to?: string }) {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const to = query.to ?? today;
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  if (from > to) throw badRequest('from must not be after to.', [{ path: 'query.from', message: 'After to' }]);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (!(span <= deps.maxDays)) throw badRequest(`At most ${deps.maxDays} days at a time.`, [{ path: 'query.from', message: 'Range too long' }]);
  const days = daysBetween(from, to);
  const rows = (await Promise.all(days.map((d) => deps.repository.dayCounters(d)))).flat();
  let total: ServiceCounters = ZERO_COUNTERS;
  const perDay = new Map<string, ServiceCounters>();
  const perAgent = new Map<string, ServiceCounters>();
  for (const row of rows) {
    if (row.agentId) perAgent.set(row.agentId, addCounters(perAgent.get(row.agentId) ?? ZERO_COUNTERS, row.counters));
    else {
      total = addCounters(total, row.counters);
      perDay.set(row.day, addCounters(perDay.get(row.day) ?? ZERO_COUNTERS, row.counters));
    }
  }
  return {
    from,
    to,
    bands: { satisfactionGood: SATISFACTION_GOOD, satisfactionNeedsActionBelow: SATISFACTION_NEEDS_ACTION, npsTarget: NPS_TARGET },
    total: serviceReport(total),
    days: days.map((day) => ({ day, ...serviceReport(perDay.get(day) ?? ZERO_COUNTERS) })),
    agents: [...perAgent.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([agentId, c]) => ({ agentId, ...serviceReport(c) })),
  };
}
