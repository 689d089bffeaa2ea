/**
 * Tickets over the local cloud's HTTP API (AFT-2, AFT-3): a customer opens a ticket, an agent
 * answers and writes an internal note the customer never sees, another customer gets 404, the
 * agent resolves, the customer rates, and the service metrics reflect it. The ticket text holds
 * personal data the suite's final sweep (tests/support/personal-data-sweep.ts) looks for in every
 * table and state file: it must rest only as ciphertext.
 */
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, tokenFor } from '../../support/e2e.ts';

const post = (path: string, token: string, json: unknown) => api(path, { method: 'POST', token, json, headers: { 'Idempotency-Key': ulid() } });

let alice: string;
let aliceId: string;
let bob: string;
let agent: string;
let agentId: string;
let ops: string;
let analyst: string;

beforeAll(async () => {
  aliceId = `e2e-ticket-alice-${ulid()}`;
  agentId = `e2e-agent-${ulid().toLowerCase()}`;
  [alice, bob, agent, ops, analyst] = await Promise.all([
    tokenFor(aliceId, ['customer']),
    tokenFor(`e2e-ticket-bob-${ulid()}`, ['customer']),
    tokenFor(agentId, ['cs-agent']),
    tokenFor(`e2e-ops-tickets-${ulid()}`, ['ops']),
    tokenFor(`e2e-analyst-tickets-${ulid()}`, ['analyst']),
  ]);
});

describe('AFT-2, AFT-3 tickets end to end', () => {
  it('AFT-2, AFT-3: open → agent answers (internal note hidden from the customer) → another customer 404 → resolve → rating → metrics', async () => {
    // The agent comes on duty: the new ticket is theirs (or another on-duty agent's with fewer open tickets).
    const duty = await api(`/admin/service/agents/${agentId}`, { method: 'PUT', token: ops, json: { onDuty: true }, headers: { 'Idempotency-Key': ulid() } });
    expect(duty.status).toBe(200);
    expect(duty.json).toMatchObject({ agentId, onDuty: true });

    const opened = await post('/tickets', alice, { category: 'complaint', subject: '李华的投诉', message: '茶叶罐破了，请打 13800138000 联系我。' });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ status: 'OPEN', category: 'complaint', subject: '李华的投诉', breaches: [] });
    const ticketId = String(opened.json.ticketId);
    const due = opened.json.due as { firstResponse: string; resolution: string };
    expect(Date.parse(due.firstResponse) - Date.parse(String(opened.json.openedAt))).toBe(20 * 60_000);
    expect(Date.parse(due.resolution) - Date.parse(String(opened.json.openedAt))).toBe(72 * 3600_000);

    // In the queue for staff.
    const queue = await api('/admin/tickets?limit=100', { token: agent });
    expect(queue.status).toBe(200);

    // An internal note and a reply.
    expect((await post(`/tickets/${ticketId}/messages`, agent, { message: 'Internal: customer 李华 called twice already.', internal: true })).status).toBe(201);
    const reply = await post(`/tickets/${ticketId}/messages`, agent, { message: '很抱歉，我们会为您补发。' });
    expect(reply.status).toBe(201);
    expect(reply.json.status).toBe('ANSWERED');

    // The customer sees the reply, never the note.
    const seen = await api(`/tickets/${ticketId}`, { token: alice });
    expect(seen.status).toBe(200);
    const thread = (seen.json.messages as Array<{ message: string; author: string }>).map((m) => m.author);
    expect(thread).toEqual(['customer', 'agent']);
    expect(seen.text).not.toContain('Internal:');
    expect(seen.json.assignee).toBeUndefined();
    // The agent sees all three.
    const staffView = await api(`/tickets/${ticketId}`, { token: agent });
    expect((staffView.json.messages as unknown[]).length).toBe(3);

    // Another customer: 404, for reading and writing.
    expect((await api(`/tickets/${ticketId}`, { token: bob })).status).toBe(404);
    expect((await post(`/tickets/${ticketId}/messages`, bob, { message: 'hello?' })).status).toBe(404);
    expect((await post(`/tickets/${ticketId}/rating`, bob, { score: 1 })).status).toBe(404);

    // Resolve (cs-agent only), then the customer rates: CLOSED.
    expect((await post(`/admin/tickets/${ticketId}/resolve`, ops, { resolution: 'x' })).status).toBe(403);
    const resolved = await post(`/admin/tickets/${ticketId}/resolve`, agent, { resolution: '已补发新茶叶罐。' });
    expect(resolved.status).toBe(200);
    expect(resolved.json.status).toBe('RESOLVED');
    const rated = await post(`/tickets/${ticketId}/rating`, alice, { score: 5, nps: 10, comment: '很快' });
    expect(rated.status).toBe(201);
    expect(rated.json).toMatchObject({ status: 'CLOSED', rating: { score: 5, nps: 10, comment: '很快' } });
    expect((await post(`/tickets/${ticketId}/rating`, alice, { score: 4 })).status).toBe(409);

    // The metrics of today count it for the resolving agent.
    const today = new Date().toISOString().slice(0, 10);
    const metrics = await api(`/admin/service/metrics?from=${today}&to=${today}`, { token: analyst });
    expect(metrics.status).toBe(200);
    const agents = metrics.json.agents as Array<{ agentId: string; ratings: number; csat: number; nps: number; resolved: number; withinFirstResponse: number }>;
    expect(agents.find((a) => a.agentId === agentId)).toMatchObject({ ratings: 1, csat: 5, nps: 100, resolved: 1, withinFirstResponse: 1, withinResolution: 1 });
    expect((metrics.json.total as { ratings: number }).ratings).toBeGreaterThanOrEqual(1);
    expect(metrics.json.bands).toEqual({ satisfactionGood: 4.5, satisfactionNeedsActionBelow: 3.5, npsTarget: 70 });

    // The customer's own list shows it; off duty again.
    const mine = await api('/tickets', { token: alice });
    expect((mine.json.items as Array<{ ticketId: string }>).map((t) => t.ticketId)).toEqual([ticketId]);
    expect((await api(`/admin/service/agents/${agentId}`, { method: 'PUT', token: ops, json: { onDuty: false }, headers: { 'Idempotency-Key': ulid() } })).status).toBe(200);
  });
});
