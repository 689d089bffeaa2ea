/**
 * Tickets' privacy contract against DynamoDB Local (SEC-3, AFT-2): a customer's tickets exported
 * as they see them (no internal notes), then erased — no ciphertext of their text left in the
 * table, ids, statuses and scores kept, and a change read before the erasure cannot bring the
 * text back.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { ulid } from 'ulid';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { manualClock } from '../../../shared/clock.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { FieldEncryptor, kmsKeyProvider } from '../../../shared/field-encryption.ts';
import { DEFAULT_SLA_POLICIES } from '../../../functions/tickets/domain/policy.ts';
import { ticketCipher } from '../../../functions/tickets/personal-data.ts';
import { eraseCustomerTickets, exportCustomerTickets } from '../../../functions/tickets/privacy-contract.ts';
import { TicketRepository } from '../../../functions/tickets/ticket-repository.ts';
import { openTicket, postMessage, readTicket, type TicketDeps } from '../../../functions/tickets/tickets.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let deps: TicketDeps;
let tableName: string;
const clock = manualClock('2026-12-05T10:00:00.000Z');

beforeAll(() => {
  const { tables } = useLocalDynamoDb();
  tableName = tables.tickets;
  deps = {
    repository: new TicketRepository(tables.tickets),
    cipher: ticketCipher(new FieldEncryptor({ kms: kmsKeyProvider() })),
    clock,
    policies: DEFAULT_SLA_POLICIES,
    publisher: () => ({ publish: async () => undefined }),
  };
});

const staff = { userId: 'agent-p', roles: ['cs-agent'] as const, isStaff: true };

describe('SEC-3 tickets privacy contract', () => {
  it('SEC-3, AFT-2: export shows the customer’s tickets as they see them; erasure removes every text, keeps the record', async () => {
    const customerId = `hana-${ulid()}`;
    const customer = { userId: customerId, roles: ['customer'] as const, isStaff: false };
    const ticket = await openTicket(deps, {
      customerId,
      category: 'privacy',
      subject: 'Hana Li, 13900000000',
      message: 'Please call 13900000000',
      author: 'customer',
      correlationId: 'c1',
    });
    await postMessage(deps, staff, ticket.ticketId, { message: 'VIP — handle with care', internal: true, correlationId: 'c2' });
    await postMessage(deps, staff, ticket.ticketId, { message: 'We will call you.', correlationId: 'c3' });

    const exported = await exportCustomerTickets(deps, customerId);
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ ticketId: ticket.ticketId, subject: 'Hana Li, 13900000000' });
    expect(exported[0]!.messages!.map((m) => m.message)).toEqual(['Please call 13900000000', 'We will call you.']);

    const before = await deps.repository.get(ticket.ticketId);
    expect(await eraseCustomerTickets(deps, customerId)).toBe(1);
    expect(await eraseCustomerTickets(deps, customerId)).toBe(1); // again: nothing changes

    const items =
      (
        await documentClient().send(
          new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TICKET#${ticket.ticketId}` } }),
        )
      ).Items ?? [];
    expect(items).toHaveLength(4);
    expect(JSON.stringify(items)).not.toMatch(/v1\./); // no ciphertext of any text left
    const view = await readTicket(deps, customer, ticket.ticketId);
    expect(view).toMatchObject({ ticketId: ticket.ticketId, status: 'ANSWERED', category: 'privacy', subject: '' });
    expect(view.messages!.every((m) => m.message === '')).toBe(true);

    // A write prepared on the ticket as read before the erasure is refused (version moved).
    await expect(deps.repository.update({ ticket: { ...before!, version: before!.version + 1 }, expectedVersion: before!.version })).rejects.toThrow(/ticket/);
  });
});
