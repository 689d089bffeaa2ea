/**
 * Use cases of customer-service tickets (AFT-2, AFT-3): open (a customer, or a counterfeit or
 * damage return), read, reply (customer, agent, internal note), resolve (audited), rate, the staff
 * queue. Every change is one transaction conditional on the ticket's version (ticket-repository.ts)
 * with its thread message, its events' outbox, the agents' load and the day's counters; a lost race
 * is read again and retried.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Principal } from '../../shared/auth.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest, conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { TicketStatusChanged } from '../../events/ticket-events.ts';
import { ratingCounters, resolutionCounters, type ServiceCounters } from './domain/metrics.ts';
import { dueAt, dueTimes, metClock, startClocks, type SlaPolicy } from './domain/sla.ts';
import { applyAction, isActive, sweepDue, TicketTransitionError, type TicketAction, type TicketCategory, type TicketStatus } from './domain/ticket.ts';
import { flushOutbox, newOutbox, outboxEvent, tryFlushOutbox, type OutboxDeps } from './outbox.ts';
import type { TicketCipher } from './personal-data.ts';
import {
  TicketExists,
  TicketWriteConflict,
  type DayCounters,
  type LoadChange,
  type MessageRecord,
  type OutboxEvent,
  type TicketRecord,
  type TicketRepository,
} from './ticket-repository.ts';

/** Ports of the use cases. */
export interface TicketDeps extends OutboxDeps {
  readonly repository: TicketRepository;
  readonly cipher: TicketCipher;
  readonly clock: Clock;
  readonly policies: Readonly<Record<TicketCategory, SlaPolicy>>;
}

/** How often a lost race is retried. */
const ATTEMPTS = 4;

const iso = (ms: number) => new Date(ms).toISOString();

/** The ticket with its derived keys (queue urgency, the sweep's next due time) as of `now`. */
export function derive(ticket: Omit<TicketRecord, 'urgency' | 'nextDue'> & Partial<Pick<TicketRecord, 'urgency' | 'nextDue'>>, policy: SlaPolicy, now: number): TicketRecord {
  const { urgency: _u, nextDue: _n, ...rest } = ticket;
  let urgency: string;
  if (ticket.status === 'RESOLVED') urgency = ticket.resolvedAt ?? ticket.updatedAt;
  else if (ticket.status === 'CLOSED') urgency = ticket.closedAt ?? ticket.updatedAt;
  else {
    const running =
      ticket.clocks.firstRespondedAt === undefined
        ? Math.min(dueAt(ticket.clocks, policy, 'first-response', now), dueAt(ticket.clocks, policy, 'resolution', now))
        : dueAt(ticket.clocks, policy, 'resolution', now);
    // Tickets waiting on the customer come after every ticket whose clocks run.
    urgency = ticket.clocks.pausedSince !== undefined ? `P#${iso(running)}` : iso(running);
  }
  const next = sweepDue(ticket, policy, now);
  return { ...rest, urgency, ...(next !== undefined ? { nextDue: iso(next) } : {}) } as TicketRecord;
}

// ── views ─────────────────────────────────────────────────────────────────────────────────────

/** Who a view is for: the customer never sees internal notes, assignees or agents' ids. */
export type Audience = 'customer' | 'staff';

/** A ticket as the API shows it (decrypted). */
export async function ticketView(deps: Pick<TicketDeps, 'cipher' | 'policies' | 'clock'>, ticket: TicketRecord, audience: Audience, messages?: readonly MessageRecord[]) {
  const policy = deps.policies[ticket.category];
  const now = deps.clock.now().getTime();
  const due = dueTimes(ticket.clocks, policy, now);
  // Erased text (SEC-3) is stored empty: nothing to open.
  const open = async (field: Parameters<TicketCipher['open']>[1], stored: string) => (stored === '' ? '' : deps.cipher.open(ticket.ticketId, field, stored));
  const visible = (messages ?? []).filter((m) => audience === 'staff' || !m.internal);
  return {
    ticketId: ticket.ticketId,
    ...(audience === 'staff' ? { customerId: ticket.customerId } : {}),
    category: ticket.category,
    ...(ticket.orderId ? { orderId: ticket.orderId } : {}),
    ...(ticket.returnId ? { returnId: ticket.returnId } : {}),
    subject: await open('subject', ticket.subject),
    status: ticket.status,
    ...(audience === 'staff' && ticket.assignee ? { assignee: ticket.assignee } : {}),
    openedAt: ticket.openedAt,
    due: { firstResponse: iso(due['first-response']), resolution: iso(due.resolution) },
    paused: ticket.clocks.pausedSince !== undefined,
    breaches: ticket.breaches.map((b) => ({ clock: b.clock, dueAt: b.dueAt, detectedAt: b.detectedAt })),
    ...(ticket.clocks.firstRespondedAt !== undefined ? { firstRespondedAt: iso(ticket.clocks.firstRespondedAt) } : {}),
    ...(ticket.resolvedAt ? { resolvedAt: ticket.resolvedAt } : {}),
    ...(ticket.resolution ? { resolution: await open('resolution', ticket.resolution) } : {}),
    ...(ticket.closedAt ? { closedAt: ticket.closedAt } : {}),
    ...(ticket.rating
      ? {
          rating: {
            score: ticket.rating.score,
            ...(ticket.rating.nps !== undefined ? { nps: ticket.rating.nps } : {}),
            ...(ticket.rating.comment ? { comment: await open('ratingComment', ticket.rating.comment) } : {}),
            ratedAt: ticket.rating.ratedAt,
          },
        }
      : {}),
    updatedAt: ticket.updatedAt,
    ...(messages
      ? {
          messages: await Promise.all(
            visible.map(async (m) => ({
              messageId: m.messageId,
              author: m.author,
              ...(audience === 'staff' ? { authorId: m.authorId, internal: m.internal } : {}),
              message: await open(`message:${m.messageId}`, m.body),
              at: m.at,
            })),
          ),
        }
      : {}),
  };
}

export type TicketView = Awaited<ReturnType<typeof ticketView>>;

// ── opening ───────────────────────────────────────────────────────────────────────────────────

/** What a new ticket needs. */
export interface OpenTicketInput {
  readonly customerId: string;
  readonly category: TicketCategory;
  readonly subject: string;
  readonly message: string;
  readonly orderId?: string;
  /** A return's ticket (opened once per return). */
  readonly returnId?: string;
  /** Who wrote the first message: the customer, or the system (a return's ticket). */
  readonly author: 'customer' | 'system';
  readonly correlationId: string;
}

/** The on-duty agent with the fewest open tickets, read consistently; undefined when nobody is on duty. */
async function pickAgent(repository: TicketRepository, skip: ReadonlySet<string>): Promise<LoadChange | undefined> {
  for (const agentId of await repository.leastLoadedOnDuty(5)) {
    if (skip.has(agentId)) continue;
    const read = await repository.getAgent(agentId);
    if (read?.onDuty) return { agentId, read, delta: 1, requireOnDuty: true };
  }
  return undefined;
}

/** Opens a ticket, assigned to the least-loaded on-duty agent (unassigned when nobody is on duty). Throws {@link TicketExists} for a return's ticket opened before. */
export async function openTicket(deps: TicketDeps, input: OpenTicketInput): Promise<TicketRecord> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const ticketId = newId(now);
  const messageId = newId(now);
  const policy = deps.policies[input.category];
  const [subject, body] = await Promise.all([
    deps.cipher.seal(ticketId, 'subject', input.subject, input.customerId),
    deps.cipher.seal(ticketId, `message:${messageId}`, input.message, input.customerId),
  ]);
  const tried = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const assign = attempt < ATTEMPTS ? await pickAgent(deps.repository, tried) : undefined;
    const ticket = derive(
      {
        ticketId,
        customerId: input.customerId,
        category: input.category,
        ...(input.orderId ? { orderId: input.orderId } : {}),
        ...(input.returnId ? { returnId: input.returnId } : {}),
        subject,
        status: 'OPEN',
        ...(assign ? { assignee: assign.agentId } : {}),
        openedAt: at,
        clocks: startClocks(now.getTime()),
        breaches: [],
        updatedAt: at,
        version: 1,
      },
      policy,
      now.getTime(),
    );
    const outbox = newOutbox(
      [
        outboxEvent(TicketStatusChanged, {
          ticketId,
          customerId: input.customerId,
          category: input.category,
          status: 'OPEN',
          ...(input.orderId ? { orderId: input.orderId } : {}),
          changedAt: at,
        }),
      ],
      input.correlationId,
      now,
    );
    const message: MessageRecord = { messageId, ticketId, author: input.author, authorId: input.author === 'customer' ? input.customerId : 'system', internal: false, body, at };
    try {
      await deps.repository.create({ ticket, message, outbox, ...(assign ? { assign } : {}), ...(input.returnId ? { returnId: input.returnId } : {}) });
    } catch (error) {
      if (error instanceof TicketWriteConflict && attempt < ATTEMPTS) {
        if (assign) tried.add(assign.agentId);
        continue;
      }
      throw error;
    }
    await tryFlushOutbox(deps, outbox);
    return ticket;
  }
}

// ── reading ───────────────────────────────────────────────────────────────────────────────────

/** A ticket the caller may see: its owner, or staff. Anyone else gets the same 404 as for a ticket that does not exist. */
export async function readTicket(deps: TicketDeps, principal: Principal, ticketId: string) {
  const found = await deps.repository.getWithMessages(ticketId);
  if (!found || (!principal.isStaff && found.ticket.customerId !== principal.userId)) throw notFound('No such ticket.');
  return ticketView(deps, found.ticket, principal.isStaff ? 'staff' : 'customer', found.messages);
}

// ── changes ───────────────────────────────────────────────────────────────────────────────────

interface Change {
  readonly ticket: TicketRecord;
  readonly message?: MessageRecord;
  readonly events?: readonly OutboxEvent[];
  readonly loads?: readonly LoadChange[];
  readonly counters?: readonly DayCounters[];
}

/**
 * Reads the ticket, lets `decide` make the change (throwing problems as needed) and writes it
 * conditional on the version read; a lost race is read again and decided again.
 */
async function changeTicket(deps: TicketDeps, ticketId: string, correlationId: string, decide: (ticket: TicketRecord, now: Date) => Promise<Change>): Promise<TicketRecord> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.repository.get(ticketId);
    if (!current) throw notFound('No such ticket.');
    const now = deps.clock.now();
    const change = await decide(current, now);
    const outbox = change.events && change.events.length > 0 ? newOutbox(change.events, correlationId, now) : undefined;
    try {
      await deps.repository.update({
        ticket: change.ticket,
        expectedVersion: current.version,
        ...(change.message ? { message: change.message } : {}),
        ...(outbox ? { outbox } : {}),
        ...(change.loads ? { loads: change.loads } : {}),
        ...(change.counters ? { counters: change.counters } : {}),
      });
    } catch (error) {
      if (error instanceof TicketWriteConflict && attempt < ATTEMPTS) continue;
      if (error instanceof TicketWriteConflict) throw conflict('The ticket changed meanwhile; try again.');
      throw error;
    }
    if (outbox) await tryFlushOutbox(deps, outbox);
    return change.ticket;
  }
}

/** Applies a state-machine action, refusing what the status does not allow with a 409. */
function act(ticket: TicketRecord, action: TicketAction): TicketRecord {
  try {
    const { status, clocks } = applyAction({ status: ticket.status, clocks: ticket.clocks, breaches: ticket.breaches }, action);
    return { ...ticket, status, clocks };
  } catch (error) {
    if (error instanceof TicketTransitionError) throw conflict(error.message);
    throw error;
  }
}

/** The TicketStatusChanged event of a change, if the status changed. */
function statusEvents(
  before: TicketRecord,
  after: TicketRecord,
  at: string,
  extra: { readonly sla?: { readonly firstResponseMet: boolean; readonly resolutionMet: boolean }; readonly rating?: { readonly score: number; readonly nps?: number } } = {},
): OutboxEvent[] {
  if (before.status === after.status) return [];
  return [
    outboxEvent(TicketStatusChanged, {
      ticketId: after.ticketId,
      customerId: after.customerId,
      category: after.category,
      status: after.status,
      previousStatus: before.status,
      ...(after.orderId ? { orderId: after.orderId } : {}),
      ...(extra.sla ? { sla: extra.sla } : {}),
      ...(extra.rating ? { rating: extra.rating } : {}),
      changedAt: at,
    }),
  ];
}

/** What a message adds to a thread. */
export interface PostMessageInput {
  readonly message: string;
  /** Agents only: a note other agents see and the customer never does. */
  readonly internal?: boolean;
  /** Agents only: the reply asks the customer something; the clocks pause until they answer. */
  readonly awaitCustomer?: boolean;
  readonly correlationId: string;
}

/** A message on a ticket: the customer's (own tickets), an agent's reply, or an agent's internal note. */
export async function postMessage(deps: TicketDeps, principal: Principal, ticketId: string, input: PostMessageInput): Promise<TicketRecord> {
  const staff = principal.isStaff;
  if (!staff && (input.internal || input.awaitCustomer))
    throw badRequest('Only agents write internal notes or wait on the customer.', [{ path: input.internal ? 'body.internal' : 'body.awaitCustomer', message: 'Agents only' }]);
  if (input.internal && input.awaitCustomer)
    throw badRequest('An internal note does not ask the customer anything.', [{ path: 'body.awaitCustomer', message: 'Not with internal' }]);
  return changeTicket(deps, ticketId, input.correlationId, async (current, now) => {
    if (!staff && current.customerId !== principal.userId) throw notFound('No such ticket.');
    const at = now.getTime();
    const action: TicketAction = !staff
      ? { kind: 'customer-reply', at }
      : input.internal
        ? { kind: 'internal-note', at }
        : { kind: 'agent-reply', at, ...(input.awaitCustomer ? { awaitCustomer: true } : {}) };
    const messageId = newId(now);
    const nowIso = now.toISOString();
    // An unassigned ticket (nobody was on duty) becomes the ticket of the agent who first answers it.
    const takes = staff && !input.internal && !current.assignee;
    const ticket = derive(
      { ...act(current, action), ...(takes ? { assignee: principal.userId } : {}), updatedAt: nowIso, version: current.version + 1 },
      deps.policies[current.category],
      at,
    );
    const body = await deps.cipher.seal(ticketId, `message:${messageId}`, input.message, current.customerId);
    return {
      ticket,
      ...(takes ? { loads: [{ agentId: principal.userId, read: await deps.repository.getAgent(principal.userId), delta: 1 as const }] } : {}),
      message: { messageId, ticketId, author: staff ? 'agent' : 'customer', authorId: principal.userId, internal: input.internal === true, body, at: nowIso },
      events: statusEvents(current, ticket, nowIso),
    };
  });
}

/**
 * Resolves a ticket (an agent): the clocks stop, the assignee's load drops, the day's counters count
 * it. Audited before it takes effect (SEC-4), once the ticket is known to be resolvable.
 */
export async function resolveTicket(
  deps: TicketDeps & { audit: AuditLog },
  principal: Principal,
  ticketId: string,
  input: { resolution: string; correlationId: string },
): Promise<TicketRecord> {
  const before = await deps.repository.get(ticketId);
  if (!before) throw notFound('No such ticket.');
  act(before, { kind: 'resolve', at: deps.clock.now().getTime() }); // refused here (409) before anything is recorded
  await deps.audit.record({
    actor: principal.userId,
    roles: principal.roles,
    action: 'ticket.resolve',
    resource: { type: 'ticket', id: ticketId },
    details: { category: before.category, breaches: before.breaches.length, assignee: before.assignee ?? null },
    correlationId: input.correlationId,
  });
  return changeTicket(deps, ticketId, input.correlationId, async (current, now) => {
    const at = now.getTime();
    const nowIso = now.toISOString();
    const policy = deps.policies[current.category];
    const moved = act(current, { kind: 'resolve', at });
    const resolved = derive(
      {
        ...moved,
        resolvedAt: nowIso,
        resolvedBy: principal.userId,
        resolution: await deps.cipher.seal(ticketId, 'resolution', input.resolution, current.customerId),
        updatedAt: nowIso,
        version: current.version + 1,
      },
      policy,
      at,
    );
    const sla = { firstResponseMet: metClock(resolved.clocks, policy, 'first-response') === true, resolutionMet: metClock(resolved.clocks, policy, 'resolution') === true };
    const counters = resolutionCounters(sla.firstResponseMet, sla.resolutionMet);
    const loads: LoadChange[] = current.assignee ? [{ agentId: current.assignee, read: await deps.repository.getAgent(current.assignee), delta: -1 }] : [];
    return { ticket: resolved, events: statusEvents(current, resolved, nowIso, { sla }), loads, counters: dayCounters(nowIso, principal.userId, counters) };
  });
}

/** What a rating holds. */
export interface RateTicketInput {
  readonly score: number;
  readonly nps?: number;
  readonly comment?: string;
  readonly correlationId: string;
}

/** The customer rates a resolved ticket of theirs (once): it closes; the day's counters count it for the resolving agent (AFT-3). */
export async function rateTicket(deps: TicketDeps, principal: Principal, ticketId: string, input: RateTicketInput): Promise<TicketRecord> {
  return changeTicket(deps, ticketId, input.correlationId, async (current, now) => {
    if (current.customerId !== principal.userId) throw notFound('No such ticket.');
    const nowIso = now.toISOString();
    const moved = act(current, { kind: 'rate', at: now.getTime() });
    const comment = input.comment ? await deps.cipher.seal(ticketId, 'ratingComment', input.comment, current.customerId) : undefined;
    const rating = { score: input.score, ...(input.nps !== undefined ? { nps: input.nps } : {}), ...(comment ? { comment } : {}), ratedAt: nowIso };
    const closed = derive({ ...moved, rating, closedAt: nowIso, updatedAt: nowIso, version: current.version + 1 }, deps.policies[current.category], now.getTime());
    const rated = { score: input.score, ...(input.nps !== undefined ? { nps: input.nps } : {}) };
    return {
      ticket: closed,
      events: statusEvents(current, closed, nowIso, { rating: rated }),
      counters: dayCounters(nowIso, current.resolvedBy, ratingCounters(input.score, input.nps)),
    };
  });
}

/** The day's overall counters and, if there is one, the agent's. */
function dayCounters(atIso: string, agentId: string | undefined, counters: Partial<ServiceCounters>): DayCounters[] {
  const day = atIso.slice(0, 10);
  const full = counters as ServiceCounters;
  return [{ day, counters: full }, ...(agentId ? [{ day, agentId, counters: full }] : [])];
}

// ── lists ─────────────────────────────────────────────────────────────────────────────────────

/** The staff queue: active tickets most urgent due first, or resolved/closed ones newest first. */
export async function ticketQueue(deps: TicketDeps, query: { status?: TicketStatus; assignee?: string; breached?: boolean; limit: number; cursor?: string }) {
  const page = await deps.repository.queue(query);
  return { items: await Promise.all(page.items.map((t) => ticketView(deps, t, 'staff'))), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** `GET /tickets`: a customer's own tickets newest first; staff get the active queue (or one customer's tickets). */
export async function listTickets(deps: TicketDeps, principal: Principal, query: { customerId?: string; limit: number; cursor?: string }) {
  if (principal.isStaff && !query.customerId) return ticketQueue(deps, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
  const customerId = principal.isStaff ? (query.customerId as string) : principal.userId;
  const page = await deps.repository.listByCustomer(customerId, query.limit, query.cursor);
  const audience: Audience = principal.isStaff ? 'staff' : 'customer';
  return { items: await Promise.all(page.items.map((t) => ticketView(deps, t, audience))), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export { TicketExists, flushOutbox, isActive };
