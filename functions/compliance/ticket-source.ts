/**
 * Where compliance reads tickets from (CMP-1, read-only): tickets' sparse `byNextDue` index of the
 * TicketsTable (`duePk = DUE`, `dueSk = <next due>#<ticketId>`), which holds every ticket whose
 * SLA clock runs unbreached and unpaused, under its next due time (functions/tickets/ticket-repository.ts).
 * A ticket still on the index past its due time is a breach the escalation sweep has not recorded.
 * Only ids, status, category and times are read (the subject and messages are never projected here).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { documentClient } from '../../shared/dynamodb.ts';

/** What the SLA scan looks at. */
export interface DueTicketView {
  readonly ticketId: string;
  readonly status: string;
  readonly category: string;
  /** The due time of the ticket's next unbreached clock (ISO). */
  readonly nextDue: string;
}

/** A page of tickets. */
export interface DueTicketPage {
  readonly items: readonly DueTicketView[];
  readonly nextPage?: Record<string, unknown>;
}

/** What the SLA scan needs. */
export interface TicketSource {
  /** Tickets whose next due time is before `beforeIso`, earliest first. */
  dueBefore(beforeIso: string, page?: Record<string, unknown>, pageSize?: number): Promise<DueTicketPage>;
}

/** Reads the due index of the tickets table. */
export class DynamoDbTicketSource implements TicketSource {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  async dueBefore(beforeIso: string, page?: Record<string, unknown>, pageSize = 200): Promise<DueTicketPage> {
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byNextDue',
        KeyConditionExpression: 'duePk = :due AND dueSk < :before',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':due': 'DUE', ':before': beforeIso },
        ProjectionExpression: 'ticketId, #status, category, nextDue',
        Limit: pageSize,
        ...(page ? { ExclusiveStartKey: page } : {}),
      }),
    );
    const items = (response.Items ?? []).flatMap((item) =>
      typeof item.ticketId === 'string' && typeof item.nextDue === 'string'
        ? [{ ticketId: item.ticketId, status: String(item.status), category: String(item.category), nextDue: item.nextDue }]
        : [],
    );
    return { items, ...(response.LastEvaluatedKey ? { nextPage: response.LastEvaluatedKey } : {}) };
  }
}

/** The ticket source of this container, on `TICKETS_TABLE_NAME`. */
export function ticketSourceFromEnv(): TicketSource {
  return new DynamoDbTicketSource(requireSetting('ticketsTableName'));
}
