/**
 * The tickets capability's template (AFT-2, AFT-3): the escalation sweep's schedule, TicketEscalated
 * routed to the operations alert target, ReturnRequested consumed, the sweep's index, and PutEvents
 * covering what the code publishes. The exact grants are in expected-grants/tickets.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReturnRequested } from '../../events/return-events.ts';
import { TicketEscalated, TicketStatusChanged } from '../../events/ticket-events.ts';
import { ProblemOrderRaised } from '../../events/problem-order-raised.ts';
import { TICKET_SWEEP_SCHEDULE, TICKETS_PUBLISHES } from '../../infra/capabilities/tickets.ts';
import { PROJECT_ROOT } from '../../infra/constructs/service-function.ts';
import { matchesEventPattern } from '../../infra/local/event-pattern.ts';
import { resourcesOf, synth, type Synthesized } from './synth.ts';

let dev: Synthesized;
beforeAll(() => {
  dev = synth('dev');
}, 120_000);

const rules = () => resourcesOf(dev.json, 'AWS::Events::Rule');
const targetIds = (rule: Record<string, unknown>) => JSON.stringify(rule.Targets);
const envelope = (name: string, source: string, detail: unknown) => ({
  version: '0',
  id: '1',
  account: '000000000000',
  region: 'us-east-1',
  time: '2026-01-01T00:00:00Z',
  resources: [],
  'detail-type': name,
  source,
  detail,
});

describe('tickets infrastructure (AFT-2)', () => {
  it('AFT-2: the escalation sweep runs every minute, asynchronously, with its failures kept', () => {
    expect(TICKET_SWEEP_SCHEDULE).toBe('rate(1 minute)');
    const scheduled = rules().filter(([, r]) => r.ScheduleExpression === TICKET_SWEEP_SCHEDULE && targetIds(r).includes('EscalateOverdueTicketsFunction'));
    expect(scheduled).toHaveLength(1);
    const [[, rule]] = scheduled as [[string, Record<string, unknown>]];
    expect(JSON.stringify(rule.Targets)).toContain('DeadLetterConfig');
  });

  it('AFT-2: every TicketEscalated reaches the operations alert target (a queue with a dead-letter queue), and only from tickets’ own source', () => {
    const routed = rules().filter(([, r]) => targetIds(r).includes('TicketEscalationAlerts'));
    expect(routed).toHaveLength(1);
    const [[, rule]] = routed as [[string, Record<string, unknown>]];
    const pattern = rule.EventPattern as Record<string, unknown>;
    expect(matchesEventPattern(pattern, envelope(TicketEscalated.name, TicketEscalated.source, TicketEscalated.example))).toBe(true);
    expect(matchesEventPattern(pattern, envelope(TicketEscalated.name, 'commerce.returns', TicketEscalated.example))).toBe(false);
    expect(matchesEventPattern(pattern, envelope(TicketStatusChanged.name, TicketStatusChanged.source, TicketStatusChanged.example))).toBe(false);
    const [[, queue]] = resourcesOf(dev.json, 'AWS::SQS::Queue').filter(([id]) => id === 'TicketEscalationAlerts') as [[string, Record<string, unknown>]];
    expect(JSON.stringify(queue.RedrivePolicy)).toContain('TicketEscalationAlertsDlq');
    // ProblemOrderRaised has the same kind of alert event; the tickets rule does not take it.
    expect(matchesEventPattern(pattern, envelope(ProblemOrderRaised.name, ProblemOrderRaised.source, ProblemOrderRaised.example))).toBe(false);
  });

  it('AFT-2: ReturnRequested from the returns capability reaches the return-ticket consumer', () => {
    const consumer = rules().filter(([, r]) => targetIds(r).includes('OpenReturnTicketQueue'));
    expect(consumer).toHaveLength(1);
    const pattern = (consumer[0] as [string, Record<string, unknown>])[1].EventPattern as Record<string, unknown>;
    expect(matchesEventPattern(pattern, envelope(ReturnRequested.name, ReturnRequested.source, ReturnRequested.example))).toBe(true);
    expect(matchesEventPattern(pattern, envelope(ReturnRequested.name, 'commerce.tickets', ReturnRequested.example))).toBe(false);
  });

  it('AFT-2: the sweep reads a sparse index of next due times (no Scan granted to any tickets function)', () => {
    const [[, table]] = resourcesOf(dev.json, 'AWS::DynamoDB::Table').filter(([id]) => id === 'TicketsTable') as [[string, Record<string, unknown>]];
    const indexes = (table.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: Array<{ AttributeName: string }> }>).map((i) => [
      i.IndexName,
      i.KeySchema.map((k) => k.AttributeName),
    ]);
    expect(indexes).toContainEqual(['byNextDue', ['duePk', 'dueSk']]);
    const policies = JSON.stringify(resourcesOf(dev.json, 'AWS::IAM::Role').filter(([id]) => /Ticket/.test(id)));
    expect(policies).not.toContain('dynamodb:Scan');
  });

  it('RISK-7: tickets publishes only TicketStatusChanged and TicketEscalated, and its code builds no other event', () => {
    expect(TICKETS_PUBLISHES.map((d) => d.name).sort()).toEqual(['TicketEscalated', 'TicketStatusChanged']);
    const names = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else for (const m of fs.readFileSync(full, 'utf8').matchAll(/\boutboxEvent\(\s*([A-Z][A-Za-z0-9]+)\s*,/g)) names.add(m[1] as string);
      }
    };
    walk(path.join(PROJECT_ROOT, 'functions', 'tickets'));
    expect([...names].sort()).toEqual(['TicketEscalated', 'TicketStatusChanged']);
  });
});
