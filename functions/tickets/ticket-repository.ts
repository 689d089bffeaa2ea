/**
 * Tickets' storage: the TicketsTable (`TICKETS_TABLE_NAME`), single-table design.
 *
 * | item | pk | sk | GSI keys |
 * |---|---|---|---|
 * | ticket | `TICKET#<ticketId>` | `TICKET` | `customerPk = CUSTOMER#<customerId>`, `customerSk = <ticketId>` (`byCustomer`); `queuePk = ACTIVE \| RESOLVED \| CLOSED`, `queueSk = <urgency>#<ticketId>` (`byQueue`: the staff queue, most urgent first); `duePk = DUE`, `dueSk = <next due>#<ticketId>` while a clock runs unbreached and unpaused (`byNextDue`, sparse: the sweep's index) |
 * | message | `TICKET#<ticketId>` | `MSG#<messageId>` | — |
 * | return marker | `RETURN#<returnId>` | `MARKER` | — (a return's ticket is opened once) |
 * | outbox | `OUTBOX#<id>` | `OUTBOX` | `outboxPk = PENDING`, `outboxSk = <createdAt>#<id>` while unpublished (`byPendingOutbox`) |
 * | agent | `ROSTER` | `AGENT#<agentId>` | `rosterPk = ON_DUTY`, `rosterSk = <open tickets, 6 digits>#<agentId>` while on duty (`byRoster`: least loaded first) |
 * | day's counters | `METRICS#<yyyy-mm-dd>` | `ALL` \| `AGENT#<agentId>` | — (service metrics, AFT-3) |
 *
 * Subjects, messages, resolutions and rating comments are stored encrypted (personal-data.ts).
 * The ticket carries a `version`; every change is one transaction conditional on it, with the
 * thread message, the outbox of its events, the agents' load and the day's counters.
 */
import type { OutboxEvent } from '../../shared/outbox.ts';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from '../../shared/zod.ts';
import { lazily } from '../../shared/lazily.ts';
import { requireSetting } from '../../shared/config.ts';
import { cancellationReasons, decodeCursor, documentClient, encodeCursor, queryAll } from '../../shared/dynamodb.ts';
import type { ServiceCounters } from './domain/metrics.ts';
import type { ClockState } from './domain/sla.ts';
import type { Breach, TicketCategory, TicketStatus } from './domain/ticket.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A ticket as stored (text fields encrypted). */
export interface TicketRecord {
  readonly ticketId: string;
  readonly customerId: string;
  readonly category: TicketCategory;
  readonly orderId?: string;
  readonly returnId?: string;
  /** Encrypted. */
  readonly subject: string;
  readonly status: TicketStatus;
  readonly assignee?: string;
  readonly openedAt: string;
  readonly clocks: ClockState;
  readonly breaches: readonly Breach[];
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  /** Encrypted. */
  readonly resolution?: string;
  readonly closedAt?: string;
  /** `comment` encrypted. */
  readonly rating?: { readonly score: number; readonly nps?: number; readonly comment?: string; readonly ratedAt: string };
  readonly updatedAt: string;
  readonly version: number;
  /** Set once the customer's personal data was erased (SEC-3): the text fields are empty. */
  readonly erasedAt?: string;
  /** Derived keys, recomputed on every write: the queue's urgency and the sweep's next due time (ISO). */
  readonly urgency: string;
  readonly nextDue?: string;
}

/** A thread message as stored (`body` encrypted). */
export interface MessageRecord {
  readonly messageId: string;
  readonly ticketId: string;
  readonly author: 'customer' | 'agent' | 'system';
  readonly authorId: string;
  readonly internal: boolean;
  readonly body: string;
  readonly at: string;
}

/** An event as stored in the outbox (the kernel's one outbox shape). */
export type { OutboxEvent };

/** An outbox item. */
export interface OutboxRecord {
  readonly outboxId: string;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly events: readonly OutboxEvent[];
  readonly publishedAt?: string;
}

/** An agent on the roster. */
export interface AgentRecord {
  readonly agentId: string;
  readonly onDuty: boolean;
  readonly openTickets: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** One day's counters, overall (`agentId` undefined) or of one agent. */
export interface DayCounters {
  readonly day: string;
  readonly agentId?: string;
  readonly counters: ServiceCounters;
}

/** A change of an agent's open-ticket count, made conditional on the count read. */
export interface LoadChange {
  readonly agentId: string;
  /** The agent as read (undefined: not on the roster yet). */
  readonly read: AgentRecord | undefined;
  readonly delta: 1 | -1;
  /** Assignments require the agent to be on duty. */
  readonly requireOnDuty?: boolean;
}

/** A write lost to a concurrent one (or the agent went off duty): read again and retry. */
export class TicketWriteConflict extends Error {
  override readonly name = 'TicketWriteConflict';
}

/** The ticket (or the return's ticket) exists already. */
export class TicketExists extends Error {
  override readonly name = 'TicketExists';
}

const TICKET = (id: string) => `TICKET#${id}`;
const ROSTER = 'ROSTER';
const AGENT = (id: string) => `AGENT#${id}`;
const METRICS = (day: string) => `METRICS#${day}`;
const PENDING = 'PENDING';
const ON_DUTY = 'ON_DUTY';
/** Published outbox items are kept this long (TTL), for tracing. */
const PUBLISHED_RETENTION_SECONDS = 30 * 24 * 3600;

/** The queue partition of a status. */
export function queuePartition(status: TicketStatus): 'ACTIVE' | 'RESOLVED' | 'CLOSED' {
  return status === 'RESOLVED' ? 'RESOLVED' : status === 'CLOSED' ? 'CLOSED' : 'ACTIVE';
}

function ticketItem(t: TicketRecord): Record<string, unknown> {
  const partition = queuePartition(t.status);
  return {
    pk: TICKET(t.ticketId),
    sk: 'TICKET',
    ...t,
    breached: t.breaches.length > 0,
    customerPk: `CUSTOMER#${t.customerId}`,
    customerSk: t.ticketId,
    queuePk: partition,
    queueSk: `${t.urgency}#${t.ticketId}`,
    ...(t.nextDue ? { duePk: 'DUE', dueSk: `${t.nextDue}#${t.ticketId}` } : {}),
  };
}

function toTicket(item: Record<string, unknown>): TicketRecord {
  const { pk: _pk, sk: _sk, breached: _b, customerPk: _c1, customerSk: _c2, queuePk: _q1, queueSk: _q2, duePk: _d1, dueSk: _d2, ...rest } = item;
  return rest as unknown as TicketRecord;
}

function messageItem(m: MessageRecord): Record<string, unknown> {
  return { pk: TICKET(m.ticketId), sk: `MSG#${m.messageId}`, ...m };
}

function toMessage(item: Record<string, unknown>): MessageRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as MessageRecord;
}

function outboxItem(o: OutboxRecord): Record<string, unknown> {
  return { pk: `OUTBOX#${o.outboxId}`, sk: 'OUTBOX', ...o, outboxPk: PENDING, outboxSk: `${o.createdAt}#${o.outboxId}` };
}

function toOutbox(item: Record<string, unknown>): OutboxRecord {
  const { pk: _pk, sk: _sk, outboxPk: _o1, outboxSk: _o2, expiresAt: _e, ...rest } = item;
  return rest as unknown as OutboxRecord;
}

function toAgent(item: Record<string, unknown>): AgentRecord {
  return {
    agentId: String(item.agentId),
    onDuty: item.onDuty === true,
    openTickets: Number(item.openTickets ?? 0),
    updatedAt: String(item.updatedAt),
    updatedBy: String(item.updatedBy),
  };
}

const rosterSk = (openTickets: number, agentId: string) => `${String(Math.max(0, openTickets)).padStart(6, '0')}#${agentId}`;

const QueueCursor = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.startsWith('TICKET#')),
    sk: z.literal('TICKET'),
    queuePk: z.enum(['ACTIVE', 'RESOLVED', 'CLOSED']),
    queueSk: z.string().check(z.maxLength(200)),
  }),
);
const CustomerCursor = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    pk: z.string().check(z.startsWith('TICKET#')),
    sk: z.literal('TICKET'),
    customerPk: z.string().check(z.maxLength(200)),
    customerSk: z.string().check(z.maxLength(40)),
  }),
);

/** The DynamoDB adapter. */
export class TicketRepository {
  constructor(
    readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  private async transact(items: TransactItem[], onCancelled: (reasons: string[]) => Error): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons) throw onCancelled(reasons);
      throw error;
    }
  }

  private loadItem(change: LoadChange, at: string): TransactItem {
    const { agentId, read, delta } = change;
    const next = Math.max(0, (read?.openTickets ?? 0) + delta);
    if (!read) {
      return {
        Put: {
          TableName: this.tableName,
          Item: { pk: ROSTER, sk: AGENT(agentId), agentId, onDuty: false, openTickets: next, updatedAt: at, updatedBy: 'tickets' },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: ROSTER, sk: AGENT(agentId) },
        UpdateExpression: read.onDuty ? 'SET openTickets = :next, rosterSk = :rsk' : 'SET openTickets = :next',
        ConditionExpression: change.requireOnDuty ? 'openTickets = :read AND onDuty = :true' : 'openTickets = :read',
        ExpressionAttributeValues: {
          ':next': next,
          ':read': read.openTickets,
          ...(read.onDuty ? { ':rsk': rosterSk(next, agentId) } : {}),
          ...(change.requireOnDuty ? { ':true': true } : {}),
        },
      },
    };
  }

  private countersItems(counters: readonly DayCounters[]): TransactItem[] {
    return counters.map(({ day, agentId, counters: c }) => {
      const keys = Object.keys(c) as Array<keyof ServiceCounters>;
      return {
        Update: {
          TableName: this.tableName,
          Key: { pk: METRICS(day), sk: agentId ? AGENT(agentId) : 'ALL' },
          UpdateExpression: `SET #day = :day${agentId ? ', agentId = :agent' : ''} ADD ${keys.map((k) => `#${k} :${k}`).join(', ')}`,
          ExpressionAttributeNames: { '#day': 'day', ...Object.fromEntries(keys.map((k) => [`#${k}`, k])) },
          ExpressionAttributeValues: { ':day': day, ...(agentId ? { ':agent': agentId } : {}), ...Object.fromEntries(keys.map((k) => [`:${k}`, c[k]])) },
        },
      };
    });
  }

  /**
   * Opens a ticket in one transaction: the ticket, its first message, the outbox of its events,
   * the assignee's load (conditional on the count read and on being on duty) and, for a return's
   * ticket, the return's marker. Throws {@link TicketExists} (the return's ticket was opened before)
   * or {@link TicketWriteConflict} (the agent's load changed or they went off duty: pick again).
   */
  async create(input: { ticket: TicketRecord; message: MessageRecord; outbox: OutboxRecord; assign?: LoadChange; returnId?: string }): Promise<void> {
    const { ticket } = input;
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: ticketItem(ticket), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: messageItem(input.message) } },
      { Put: { TableName: this.tableName, Item: outboxItem(input.outbox) } },
      ...(input.assign ? [this.loadItem(input.assign, ticket.openedAt)] : []),
      ...(input.returnId
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: `RETURN#${input.returnId}`, sk: 'MARKER', returnId: input.returnId, ticketId: ticket.ticketId, createdAt: ticket.openedAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
    ];
    await this.transact(items, (reasons) => {
      if (input.returnId && reasons[items.length - 1] === 'ConditionalCheckFailed') return new TicketExists(`return ${input.returnId}`);
      if (reasons[0] === 'ConditionalCheckFailed') return new TicketExists(`ticket ${ticket.ticketId}`);
      return new TicketWriteConflict(`ticket ${ticket.ticketId}: ${reasons.join(',')}`);
    });
  }

  /**
   * Changes a ticket in one transaction, conditional on the version read: the new ticket, an
   * optional thread message and outbox, agents' loads and the day's counters. Throws
   * {@link TicketWriteConflict} when anything changed meanwhile.
   */
  async update(input: {
    ticket: TicketRecord;
    expectedVersion: number;
    message?: MessageRecord;
    outbox?: OutboxRecord;
    loads?: readonly LoadChange[];
    counters?: readonly DayCounters[];
  }): Promise<void> {
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: ticketItem(input.ticket), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': input.expectedVersion } } },
      ...(input.message ? [{ Put: { TableName: this.tableName, Item: messageItem(input.message) } }] : []),
      ...(input.outbox ? [{ Put: { TableName: this.tableName, Item: outboxItem(input.outbox) } }] : []),
      ...(input.loads ?? []).map((l) => this.loadItem(l, input.ticket.updatedAt)),
      ...this.countersItems(input.counters ?? []),
    ];
    await this.transact(items, (reasons) => new TicketWriteConflict(`ticket ${input.ticket.ticketId}: ${reasons.join(',')}`));
  }

  /** The ticket (strongly consistent), or undefined. */
  async get(ticketId: string): Promise<TicketRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: TICKET(ticketId), sk: 'TICKET' }, ConsistentRead: true }));
    return Item ? toTicket(Item) : undefined;
  }

  /** The ticket and its thread, oldest message first. */
  async getWithMessages(ticketId: string): Promise<{ ticket: TicketRecord; messages: MessageRecord[] } | undefined> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': TICKET(ticketId) },
      ConsistentRead: true,
    });
    const ticket = items.find((i) => i.sk === 'TICKET');
    if (!ticket) return undefined;
    return { ticket: toTicket(ticket), messages: items.filter((i) => String(i.sk).startsWith('MSG#')).map(toMessage) };
  }

  /** The ticket opened for a return, if any. */
  async ticketOfReturn(returnId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `RETURN#${returnId}`, sk: 'MARKER' }, ConsistentRead: true }));
    return Item ? String(Item.ticketId) : undefined;
  }

  /** A customer's tickets, newest first. */
  async listByCustomer(customerId: string, limit: number, cursor?: string): Promise<{ items: TicketRecord[]; nextCursor?: string }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byCustomer',
        KeyConditionExpression: 'customerPk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, CustomerCursor()),
      }),
    );
    return { items: (page.Items ?? []).map(toTicket), ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }

  /**
   * The staff queue: active tickets most urgent first (resolved and closed ones newest first),
   * filtered by status, assignee and breach. Filters are applied while reading: at most
   * `maxPages` pages of the index are read per call (the cursor continues).
   */
  async queue(
    query: { status?: TicketStatus; assignee?: string; breached?: boolean; limit: number; cursor?: string },
    maxPages = 5,
  ): Promise<{ items: TicketRecord[]; nextCursor?: string }> {
    const partition = query.status ? queuePartition(query.status) : 'ACTIVE';
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': partition };
    if (query.status && partition === 'ACTIVE') {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
    if (query.assignee) {
      filters.push('assignee = :assignee');
      values[':assignee'] = query.assignee;
    }
    if (query.breached !== undefined) {
      filters.push('breached = :breached');
      values[':breached'] = query.breached;
    }
    const items: TicketRecord[] = [];
    let startKey = decodeCursor(query.cursor, QueueCursor()) as Record<string, unknown> | undefined;
    for (let pageNo = 0; pageNo < maxPages && items.length < query.limit; pageNo++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byQueue',
          KeyConditionExpression: 'queuePk = :pk',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: partition === 'ACTIVE',
          Limit: query.limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []).map(toTicket));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
  }

  /** Tickets whose next due time is before `nowIso` (the sweep's index), earliest first. */
  async dueBefore(nowIso: string, limit = 100, startKey?: Record<string, unknown>): Promise<{ items: TicketRecord[]; nextKey?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byNextDue',
        KeyConditionExpression: 'duePk = :pk AND dueSk < :now',
        ExpressionAttributeValues: { ':pk': 'DUE', ':now': nowIso },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return { items: (page.Items ?? []).map(toTicket), ...(page.LastEvaluatedKey ? { nextKey: page.LastEvaluatedKey } : {}) };
  }

  /** Every ticket of a customer, newest first (a data-subject request; a customer has few). */
  async allOfCustomer(customerId: string): Promise<TicketRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byCustomer',
      KeyConditionExpression: 'customerPk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
      ScanIndexForward: false,
    });
    return items.map(toTicket);
  }

  /**
   * Erases a ticket's text (SEC-3): the subject, resolution, rating comment and every message body
   * are overwritten (their ciphertext gone from the table; backups keep it until their retention
   * ends), ids, category, status, clocks and scores stay. Bumps the version, so a change read
   * before the erasure is refused and read again. Idempotent.
   */
  async eraseText(ticketId: string, at: string): Promise<void> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': TICKET(ticketId) },
      ConsistentRead: true,
    });
    for (const item of items.filter((i) => String(i.sk).startsWith('MSG#') && i.body !== '')) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET body = :empty, erasedAt = :at',
          ExpressionAttributeValues: { ':empty': '', ':at': at },
        }),
      );
    }
    const ticket = items.find((i) => i.sk === 'TICKET');
    if (!ticket) return;
    const rated = ticket.rating && typeof ticket.rating === 'object' && 'comment' in (ticket.rating as object);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: TICKET(ticketId), sk: 'TICKET' },
        UpdateExpression: `SET subject = :empty, erasedAt = if_not_exists(erasedAt, :at) ADD version :one REMOVE resolution${rated ? ', rating.#comment' : ''}`,
        ...(rated ? { ExpressionAttributeNames: { '#comment': 'comment' } } : {}),
        ExpressionAttributeValues: { ':empty': '', ':at': at, ':one': 1 },
      }),
    );
  }

  // ── outbox ──────────────────────────────────────────────────────────────────────────────

  /** Marks an outbox published (off the pending index; expires later). Idempotent. */
  async markPublished(outboxId: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `OUTBOX#${outboxId}`, sk: 'OUTBOX' },
        UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :at), expiresAt = :exp REMOVE outboxPk, outboxSk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at, ':exp': Math.floor(Date.parse(at) / 1000) + PUBLISHED_RETENTION_SECONDS },
      }),
    );
  }

  /** Outboxes still unpublished, created before `beforeIso`, oldest first (one page). */
  async pendingOutbox(beforeIso: string, limit = 100): Promise<OutboxRecord[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byPendingOutbox',
        KeyConditionExpression: 'outboxPk = :pk AND outboxSk < :before',
        ExpressionAttributeValues: { ':pk': PENDING, ':before': beforeIso },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(toOutbox);
  }

  /** One outbox item (tests, diagnostics). */
  async getOutbox(outboxId: string): Promise<OutboxRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `OUTBOX#${outboxId}`, sk: 'OUTBOX' }, ConsistentRead: true }));
    return Item ? toOutbox(Item) : undefined;
  }

  // ── roster ──────────────────────────────────────────────────────────────────────────────

  /** An agent (strongly consistent), or undefined. */
  async getAgent(agentId: string): Promise<AgentRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: ROSTER, sk: AGENT(agentId) }, ConsistentRead: true }));
    return Item ? toAgent(Item) : undefined;
  }

  /** Every agent on the roster. */
  async listAgents(): Promise<AgentRecord[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :agent)',
      ExpressionAttributeValues: { ':pk': ROSTER, ':agent': 'AGENT#' },
    });
    return items.map(toAgent);
  }

  /** The on-duty agents with the fewest open tickets first (eventually consistent index; re-read before use). */
  async leastLoadedOnDuty(limit = 3): Promise<string[]> {
    const page = await this.client.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'byRoster', KeyConditionExpression: 'rosterPk = :pk', ExpressionAttributeValues: { ':pk': ON_DUTY }, Limit: limit }),
    );
    return (page.Items ?? []).map((i) => String(i.agentId));
  }

  /** Puts an agent on or off duty, keeping their open-ticket count. */
  async setOnDuty(agentId: string, onDuty: boolean, by: string, at: string): Promise<AgentRecord> {
    const current = await this.getAgent(agentId);
    const openTickets = current?.openTickets ?? 0;
    const agent: AgentRecord = { agentId, onDuty, openTickets, updatedAt: at, updatedBy: by };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: ROSTER, sk: AGENT(agentId), ...agent, ...(onDuty ? { rosterPk: ON_DUTY, rosterSk: rosterSk(openTickets, agentId) } : {}) },
          ConditionExpression: current ? 'openTickets = :read' : 'attribute_not_exists(pk)',
          ...(current ? { ExpressionAttributeValues: { ':read': current.openTickets } } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new TicketWriteConflict(`agent ${agentId}`);
      throw error;
    }
    return agent;
  }

  // ── metrics ─────────────────────────────────────────────────────────────────────────────

  /** The counters of a day: overall and per agent. */
  async dayCounters(day: string): Promise<DayCounters[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': METRICS(day) } });
    return items.map((i) => {
      const { pk: _pk, sk, day: _d, agentId: _a, ...counters } = i;
      return { day, ...(sk !== 'ALL' ? { agentId: String(i.agentId) } : {}), counters: counters as unknown as ServiceCounters };
    });
  }
}

let shared: TicketRepository | undefined;

/** The container's repository on `TICKETS_TABLE_NAME`. */
export function ticketRepositoryFromEnv(): TicketRepository {
  shared ??= new TicketRepository(requireSetting('ticketsTableName'));
  return shared;
}
