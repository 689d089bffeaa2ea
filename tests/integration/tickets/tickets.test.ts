/**
 * Tickets against DynamoDB Local and local KMS (AFT-2, AFT-3), through the route handlers with a
 * manual clock and a capturing event publisher: opening with due times, assignment to on-duty
 * agents, the thread with internal notes, the clock paused while waiting on the customer, the
 * escalation sweep, resolution and rating into the day's metrics, and the ReturnRequested consumer
 * delivered twice. Tests run one after the other (the roster is shared by the file).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../../events/event-definition.ts';
import { ReturnRequested } from '../../../events/return-events.ts';
import { auditLogFromEnv } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import type { HttpLambdaHandler } from '../../../shared/http/handler.ts';
import { makeEscalateOverdueTicketsHandler } from '../../../functions/tickets/handlers/escalate-overdue-tickets.ts';
import { makeOpenReturnTicketHandler } from '../../../functions/tickets/handlers/open-return-ticket.ts';
import { makeGetServiceMetricsHandler } from '../../../functions/tickets/handlers/get-service-metrics.ts';
import { makeGetTicketHandler } from '../../../functions/tickets/handlers/get-ticket.ts';
import { makeListTicketQueueHandler } from '../../../functions/tickets/handlers/list-ticket-queue.ts';
import { makeListTicketsHandler } from '../../../functions/tickets/handlers/list-tickets.ts';
import { makeOpenTicketHandler } from '../../../functions/tickets/handlers/open-ticket.ts';
import { makePostTicketMessageHandler } from '../../../functions/tickets/handlers/post-ticket-message.ts';
import { makePutServiceAgentHandler } from '../../../functions/tickets/handlers/put-service-agent.ts';
import { makeRateTicketHandler } from '../../../functions/tickets/handlers/rate-ticket.ts';
import { makeResolveTicketHandler } from '../../../functions/tickets/handlers/resolve-ticket.ts';
import { TicketRepository } from '../../../functions/tickets/ticket-repository.ts';
import { apiEvent, claimsFor, eventBridgeEvent, lambdaContext, sqsEvent, sqsRecord } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

const clock = manualClock('2026-11-26T10:00:00.000Z');
const published: DomainEvent[] = [];
const ports = { clock, publisher: () => ({ publish: async (events: readonly DomainEvent[]) => void published.push(...events) }) };
let tables: ReturnType<typeof useLocalDynamoDb>['tables'];
let repository: TicketRepository;

const h = {
  open: makeOpenTicketHandler(ports),
  list: makeListTicketsHandler(ports),
  get: makeGetTicketHandler(ports),
  message: makePostTicketMessageHandler(ports),
  rate: makeRateTicketHandler(ports),
  queue: makeListTicketQueueHandler(ports),
  resolve: makeResolveTicketHandler(ports),
  agent: makePutServiceAgentHandler(ports),
  metrics: makeGetServiceMetricsHandler(ports),
  sweep: makeEscalateOverdueTicketsHandler(ports),
  returns: makeOpenReturnTicketHandler(ports),
};

interface Call {
  method?: string;
  resource: string;
  path?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string>;
  as: [string, ...string[]];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read field by field in assertions
async function call(handler: HttpLambdaHandler, c: Call): Promise<{ status: number; body: Record<string, any> }> {
  const [sub, ...roles] = c.as;
  const path = c.resource.replace(/\{(\w+)\}/g, (_m, p: string) => c.path?.[p] ?? '');
  const response = await handler(
    apiEvent({
      method: c.method ?? (c.body === undefined ? 'GET' : 'POST'),
      path,
      resource: c.resource,
      ...(c.path ? { pathParameters: c.path } : {}),
      ...(c.query ? { query: c.query } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      headers: { 'Idempotency-Key': ulid() },
      claims: claimsFor(sub, ...roles),
    }),
    lambdaContext(),
  );
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : {} };
}

const customer = (id: string): [string, string] => [id, 'customer'];
const agent = (id: string): [string, string] => [id, 'cs-agent'];
const OPS: [string, string] = ['ops-lead-1', 'ops'];

const openAs = (customerId: string, body: Record<string, unknown>) => call(h.open, { resource: '/tickets', body, as: customer(customerId) });
const messageAs = (who: [string, ...string[]], ticketId: string, body: Record<string, unknown>) =>
  call(h.message, { resource: '/tickets/{ticketId}/messages', path: { ticketId }, body, as: who });
const getAs = (who: [string, ...string[]], ticketId: string) => call(h.get, { resource: '/tickets/{ticketId}', path: { ticketId }, as: who });
const setDuty = (agentId: string, onDuty: boolean) => call(h.agent, { method: 'PUT', resource: '/admin/service/agents/{agentId}', path: { agentId }, body: { onDuty }, as: OPS });
const runSweep = async () => (await h.sweep({}, lambdaContext())) as { escalated: number };
const eventsFor = (ticketId: string): Array<Record<string, unknown> & { name: string }> =>
  published.filter((e) => (e.payload as { ticketId?: string }).ticketId === ticketId).map((e) => ({ name: e.definition.name, ...(e.payload as Record<string, unknown>) }));

beforeAll(() => {
  ({ tables } = useLocalDynamoDb());
  repository = new TicketRepository(tables.tickets);
});

describe('AFT-2 tickets against DynamoDB Local', () => {
  it('AFT-2: a customer opens a ticket — OPEN, due times from the category, assigned to the least-loaded agent on duty; the text is encrypted at rest and absent from events', async () => {
    clock.set('2026-11-26T10:00:00.000Z');
    const [a1, a2] = [`agent-${ulid()}`, `agent-${ulid()}`];
    expect((await setDuty(a1, true)).status).toBe(200);
    expect((await setDuty(a2, true)).status).toBe(200);
    const alice = `alice-${ulid()}`;
    const first = await openAs(alice, { category: 'complaint', subject: '茶叶包装破损 李华 13800138000', message: '收到的茶叶罐凹陷，请联系我：13800138000' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'OPEN',
      category: 'complaint',
      due: { firstResponse: '2026-11-26T10:20:00.000Z', resolution: '2026-11-29T10:00:00.000Z' },
      subject: '茶叶包装破损 李华 13800138000',
      breaches: [],
    });
    expect(first.body.assignee).toBeUndefined(); // customers never see assignees
    const second = await openAs(alice, { category: 'counterfeit-or-damage', subject: 'Fake?', message: 'The seal looks wrong.' });
    expect(second.body.due).toEqual({ firstResponse: '2026-11-26T10:20:00.000Z', resolution: '2026-11-27T10:00:00.000Z' });
    // one each: the second ticket went to the agent without one
    const assignees = [(await repository.get(first.body.ticketId))!.assignee, (await repository.get(second.body.ticketId))!.assignee];
    expect(assignees.sort()).toEqual([a1, a2].sort());
    expect((await repository.getAgent(a1))!.openTickets).toBe(1);
    // at rest: ciphertext only
    const raw = await documentClient().send(new GetCommand({ TableName: tables.tickets, Key: { pk: `TICKET#${first.body.ticketId}`, sk: 'TICKET' } }));
    expect(JSON.stringify(raw.Item)).not.toContain('13800138000');
    expect(String(raw.Item!.subject)).toMatch(/^v2\./); // SEC-3: under the customer's own key
    expect(JSON.stringify(eventsFor(first.body.ticketId))).not.toMatch(/13800138000|李华/);
    expect(eventsFor(first.body.ticketId)).toEqual([expect.objectContaining({ name: 'TicketStatusChanged', status: 'OPEN', customerId: alice, category: 'complaint' })]);
    // nobody on duty → unassigned
    await setDuty(a1, false);
    await setDuty(a2, false);
    const third = await openAs(alice, { category: 'enquiry', subject: 'Opening hours', message: 'When do you ship?' });
    expect((await repository.get(third.body.ticketId))!.assignee).toBeUndefined();
    // … until an agent answers it: theirs from then on
    const taker = `agent-${ulid()}`;
    await messageAs(agent(taker), third.body.ticketId, { message: 'Within 24 hours.' });
    expect((await repository.get(third.body.ticketId))!.assignee).toBe(taker);
    expect((await repository.getAgent(taker))!).toMatchObject({ openTickets: 1, onDuty: false });
    // the customer's list, newest first
    const mine = await call(h.list, { resource: '/tickets', as: customer(alice) });
    expect(mine.body.items.map((t: { ticketId: string }) => t.ticketId)).toEqual([third.body.ticketId, second.body.ticketId, first.body.ticketId]);
  });

  it('AFT-2: internal notes are never shown to the customer; another customer gets 404; the agent sees everything', async () => {
    clock.set('2026-11-26T11:00:00.000Z');
    const bob = `bob-${ulid()}`;
    const { body: opened } = await openAs(bob, { category: 'delivery', subject: 'Where is my parcel', message: 'Ordered a week ago.' });
    const ticketId = opened.ticketId as string;
    expect((await messageAs(agent('agent-x'), ticketId, { message: 'Customer seems upset; check the waybill.', internal: true })).status).toBe(201);
    clock.advance(5 * 60_000);
    const reply = await messageAs(agent('agent-x'), ticketId, { message: 'Your parcel left Hangzhou today.' });
    expect(reply.body).toMatchObject({ status: 'ANSWERED', firstRespondedAt: '2026-11-26T11:05:00.000Z' });
    const seen = await getAs(customer(bob), ticketId);
    expect(seen.status).toBe(200);
    expect(seen.body.messages.map((m: { message: string }) => m.message)).toEqual(['Ordered a week ago.', 'Your parcel left Hangzhou today.']);
    expect(JSON.stringify(seen.body)).not.toContain('upset');
    const staff = await getAs(agent('agent-y'), ticketId);
    expect(staff.body.messages).toHaveLength(3);
    expect(staff.body.messages[1]).toMatchObject({ internal: true, authorId: 'agent-x', message: 'Customer seems upset; check the waybill.' });
    expect((await getAs(customer(`mallory-${ulid()}`), ticketId)).status).toBe(404);
    expect((await messageAs(customer(`mallory-${ulid()}`), ticketId, { message: 'hi' })).status).toBe(404);
    expect((await getAs(customer(bob), ulid())).status).toBe(404);
    // customers cannot write internal notes
    expect((await messageAs(customer(bob), ticketId, { message: 'psst', internal: true })).status).toBe(400);
  });

  it('AFT-2: the clock pauses while waiting on the customer and resumes when they answer; due times move by the pause', async () => {
    clock.set('2026-11-26T12:00:00.000Z');
    const carol = `carol-${ulid()}`;
    const { body: opened } = await openAs(carol, { category: 'counterfeit-or-damage', subject: 'Broken teapot', message: 'Arrived in pieces.' });
    clock.advance(10 * 60_000);
    const asked = await messageAs(agent('agent-z'), opened.ticketId, { message: 'Could you send a photo?', awaitCustomer: true });
    expect(asked.body).toMatchObject({ status: 'WAITING_ON_CUSTOMER', paused: true });
    expect((await repository.get(opened.ticketId))!.nextDue).toBeUndefined(); // off the sweep's index while paused
    clock.advance(6 * 3600_000);
    const answered = await messageAs(customer(carol), opened.ticketId, { message: 'Photo attached.' });
    expect(answered.body).toMatchObject({ status: 'ANSWERED', paused: false, due: { resolution: '2026-11-27T18:00:00.000Z' } });
    expect((await repository.get(opened.ticketId))!.nextDue).toBe('2026-11-27T18:00:00.000Z');
    expect(eventsFor(opened.ticketId).map((e) => `${String(e.previousStatus)}→${String(e.status)}`)).toEqual([
      'undefined→OPEN',
      'OPEN→WAITING_ON_CUSTOMER',
      'WAITING_ON_CUSTOMER→ANSWERED',
    ]);
  });

  it('AFT-2: the sweep escalates a breached clock once — ESCALATED, the breach recorded, TicketEscalated and TicketStatusChanged; a later clock escalates again', async () => {
    clock.set('2027-03-01T09:00:00.000Z');
    const agentId = `agent-${ulid()}`;
    await setDuty(agentId, true);
    const dave = `dave-${ulid()}`;
    const { body: opened } = await openAs(dave, { category: 'complaint', subject: 'Rude courier', message: 'The courier shouted at me.' });
    const ticketId = opened.ticketId as string;
    await setDuty(agentId, false);
    clock.advance(20 * 60_000);
    await runSweep();
    expect((await repository.get(ticketId))!.status).toBe('OPEN'); // due, not yet past
    clock.advance(60_000);
    await runSweep();
    const escalated = await getAs(agent('agent-q'), ticketId);
    expect(escalated.body).toMatchObject({
      status: 'ESCALATED',
      breaches: [{ clock: 'first-response', dueAt: '2027-03-01T09:20:00.000Z', detectedAt: '2027-03-01T09:21:00.000Z' }],
    });
    expect(eventsFor(ticketId).filter((e) => e.name === 'TicketEscalated')).toEqual([
      {
        name: 'TicketEscalated',
        ticketId,
        category: 'complaint',
        breach: 'first-response',
        dueAt: '2027-03-01T09:20:00.000Z',
        assignee: agentId,
        escalatedAt: '2027-03-01T09:21:00.000Z',
      },
    ]);
    expect(eventsFor(ticketId).at(-1)).toMatchObject({ name: 'TicketStatusChanged', previousStatus: 'OPEN', status: 'ESCALATED' });
    // once: the next runs change nothing
    const before = eventsFor(ticketId).length;
    clock.advance(60_000);
    await runSweep();
    expect(eventsFor(ticketId)).toHaveLength(before);
    // an agent answers; the resolution clock breaches 72 h after opening
    await messageAs(agent('agent-q'), ticketId, { message: 'We are sorry; we have reported the courier.' });
    clock.set('2027-03-04T09:00:01.000Z');
    await runSweep();
    const again = await getAs(agent('agent-q'), ticketId);
    expect(again.body.status).toBe('ESCALATED');
    expect(again.body.breaches.map((b: { clock: string }) => b.clock)).toEqual(['first-response', 'resolution']);
    expect(
      eventsFor(ticketId)
        .filter((e) => e.name === 'TicketEscalated')
        .map((e) => e.breach),
    ).toEqual(['first-response', 'resolution']);
    expect((await repository.get(ticketId))!.nextDue).toBeUndefined();
    // the queue: breached tickets filter
    const queue = await call(h.queue, { resource: '/admin/tickets', query: { breached: 'true', status: 'ESCALATED', limit: '100' }, as: OPS });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((t: { ticketId: string }) => t.ticketId)).toContain(ticketId);
    // every outbox of the ticket was published
    expect(await repository.pendingOutbox('2099-01-01T00:00:00.000Z', 1000).then((p) => p.filter((o) => o.events.some((e) => e.payload.ticketId === ticketId)))).toEqual([]);
  });

  it('AFT-2, AFT-3: resolve (audited) and rate — the ticket closes, the day’s metrics count CSAT, NPS and the clocks, overall and for the resolving agent', async () => {
    // A day of its own, so counters of other tests do not mix in.
    const day = `2031-0${1 + Math.floor(Math.random() * 9)}-${String(10 + Math.floor(Math.random() * 18))}`;
    clock.set(`${day}T08:00:00.000Z`);
    const erin = `erin-${ulid()}`;
    const resolver = `agent-${ulid()}`;
    const { body: fast } = await openAs(erin, { category: 'enquiry', subject: 'Gift wrap?', message: 'Do you gift wrap?' });
    const { body: slow } = await openAs(erin, { category: 'enquiry', subject: 'Invoice', message: 'I need a fapiao.' });
    clock.advance(5 * 60_000);
    await messageAs(agent(resolver), fast.ticketId, { message: 'Yes, for free.' });
    clock.advance(60 * 60_000); // the other one answered late
    await messageAs(agent(resolver), slow.ticketId, { message: 'Sent by e-mail.' });
    expect((await call(h.rate, { resource: '/tickets/{ticketId}/rating', path: { ticketId: fast.ticketId }, body: { score: 5 }, as: customer(erin) })).status).toBe(409); // not resolved yet
    for (const t of [fast, slow]) {
      const resolved = await call(h.resolve, {
        resource: '/admin/tickets/{ticketId}/resolve',
        path: { ticketId: t.ticketId },
        body: { resolution: 'Answered.' },
        as: agent(resolver),
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ status: 'RESOLVED', resolution: 'Answered.' });
    }
    expect(
      (await call(h.resolve, { resource: '/admin/tickets/{ticketId}/resolve', path: { ticketId: fast.ticketId }, body: { resolution: 'Again.' }, as: agent(resolver) })).status,
    ).toBe(409);
    const rated = await call(h.rate, {
      resource: '/tickets/{ticketId}/rating',
      path: { ticketId: fast.ticketId },
      body: { score: 5, nps: 10, comment: 'Quick!' },
      as: customer(erin),
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ status: 'CLOSED', rating: { score: 5, nps: 10, comment: 'Quick!' } });
    expect(
      (await call(h.rate, { resource: '/tickets/{ticketId}/rating', path: { ticketId: slow.ticketId }, body: { score: 3, nps: 5 }, as: customer(`other-${ulid()}`) })).status,
    ).toBe(404);
    expect((await call(h.rate, { resource: '/tickets/{ticketId}/rating', path: { ticketId: slow.ticketId }, body: { score: 3, nps: 5 }, as: customer(erin) })).status).toBe(201);
    const metrics = await call(h.metrics, { resource: '/admin/service/metrics', query: { from: day, to: day }, as: ['analyst-1', 'analyst'] });
    expect(metrics.status).toBe(200);
    const expected = {
      ratings: 2,
      csat: 4,
      satisfactionBand: 'acceptable',
      npsResponses: 2,
      nps: 0,
      npsOnTarget: false,
      resolved: 2,
      withinFirstResponse: 0.5,
      withinResolution: 1,
    };
    expect(metrics.body.total).toEqual(expected);
    expect(metrics.body.days).toEqual([{ day, ...expected }]);
    expect(metrics.body.agents).toEqual([{ agentId: resolver, ...expected }]);
    // KPI-1: the status events carry the clocks' outcome (on RESOLVED) and the score and NPS (on CLOSED), never the comment.
    const statusEvents = (t: string) => eventsFor(t).filter((e) => e.name === 'TicketStatusChanged');
    expect(statusEvents(fast.ticketId).find((e) => e.status === 'RESOLVED')?.sla).toEqual({ firstResponseMet: true, resolutionMet: true });
    expect(statusEvents(slow.ticketId).find((e) => e.status === 'RESOLVED')?.sla).toEqual({ firstResponseMet: false, resolutionMet: true });
    expect(statusEvents(fast.ticketId).find((e) => e.status === 'CLOSED')?.rating).toEqual({ score: 5, nps: 10 });
    expect(JSON.stringify(statusEvents(fast.ticketId))).not.toContain('Quick!');
    expect(metrics.body.bands).toEqual({ satisfactionGood: 4.5, satisfactionNeedsActionBelow: 3.5, npsTarget: 70 });
    // audited: who resolved which ticket (no text)
    const trail = await auditLogFromEnv().page({ limit: 10, resource: { type: 'ticket', id: fast.ticketId } });
    expect(trail.items).toEqual([expect.objectContaining({ actor: resolver, action: 'ticket.resolve', resource: { type: 'ticket', id: fast.ticketId } })]);
    expect(JSON.stringify(trail.items)).not.toContain('Answered');
  });

  it('AFT-1, AFT-2: a counterfeit or damage return opens its ticket exactly once, even delivered twice; other reasons open none', async () => {
    clock.set('2026-12-01T10:00:00.000Z');
    const returnId = ulid();
    const orderId = ulid();
    const customerId = `frank-${ulid()}`;
    const event = (reason: string, id = returnId) =>
      eventBridgeEvent(ReturnRequested.name, ReturnRequested.source, {
        version: 1,
        returnId: id,
        orderId,
        customerId,
        kind: 'refund',
        reason,
        items: [{ sku: 'TEA-001', quantity: 1 }],
        requestedAt: '2026-12-01T09:59:00.000Z',
        meta: { correlationId: `corr-${id}`, occurredAt: '2026-12-01T09:59:00.000Z', eventId: ulid() },
      });
    const delivery = sqsEvent(sqsRecord(event('damaged')));
    expect(await h.returns(delivery, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await h.returns(sqsEvent(sqsRecord(event('damaged'))), lambdaContext())).toEqual({ batchItemFailures: [] });
    const ticketId = await repository.ticketOfReturn(returnId);
    expect(ticketId).toBeDefined();
    const list = await call(h.list, { resource: '/tickets', as: customer(customerId) });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ ticketId, category: 'counterfeit-or-damage', orderId, returnId, status: 'OPEN', due: { resolution: '2026-12-02T10:00:00.000Z' } });
    const other = ulid();
    await h.returns(sqsEvent(sqsRecord(event('no-reason', other))), lambdaContext());
    expect(await repository.ticketOfReturn(other)).toBeUndefined();
    expect((await call(h.list, { resource: '/tickets', as: customer(customerId) })).body.items).toHaveLength(1);
  });

  it('AFT-2: roster changes are staff-only and audited; the assignee’s load drops when the ticket is resolved', async () => {
    clock.set('2026-12-02T10:00:00.000Z');
    const agentId = `agent-${ulid()}`;
    expect((await call(h.agent, { method: 'PUT', resource: '/admin/service/agents/{agentId}', path: { agentId }, body: { onDuty: true }, as: agent('agent-self') })).status).toBe(
      403,
    );
    await setDuty(agentId, true);
    const { body: opened } = await openAs(`gina-${ulid()}`, { category: 'privacy', subject: 'My data', message: 'What do you hold about me?' });
    await setDuty(agentId, false);
    expect((await repository.get(opened.ticketId))!.assignee).toBe(agentId);
    expect((await repository.getAgent(agentId))!).toMatchObject({ openTickets: 1, onDuty: false, updatedBy: OPS[0] });
    await call(h.resolve, {
      resource: '/admin/tickets/{ticketId}/resolve',
      path: { ticketId: opened.ticketId },
      body: { resolution: 'Sent the export.' },
      as: agent('agent-other'),
    });
    expect((await repository.getAgent(agentId))!.openTickets).toBe(0);
    const trail = await auditLogFromEnv().page({ limit: 10, resource: { type: 'agent', id: agentId } });
    expect(trail.items.map((e) => e.action).sort()).toEqual(['agent.off-duty', 'agent.on-duty']);
  });
});
