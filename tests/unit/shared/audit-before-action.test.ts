/**
 * SEC-4 / RISK-7: a staff action is audited BEFORE it is carried out, so no action can happen
 * without its entry: when the store fails right after the audit write, the entry exists (it used
 * to be written after the action, and was lost with a failure in between).
 */
import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditLog } from '../../../shared/audit.ts';
import { manualClock } from '../../../shared/clock.ts';
import { cancelOrder } from '../../../functions/checkout/cancel-order.ts';
import { approveRuleChange, createRule, rejectRuleChange, updateRule } from '../../../functions/fraud/manage-rules.ts';
import type { RuleChange } from '../../../functions/fraud/domain/rule-changes.ts';
import type { Rule, RuleDefinition } from '../../../functions/fraud/domain/rules.ts';
import type { RuleStore } from '../../../functions/fraud/rule-store.ts';

function recordingAudit(calls: string[]): AuditLog & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    record: async (event) => {
      calls.push(`audit:${event.action}`);
      events.push(event);
      return { ...event, seq: events.length, at: '', prevHash: '', hash: '' };
    },
  };
}

/** A store whose reads answer and whose every write fails, logging the call order. */
function failingStore(calls: string[], reads: Partial<RuleStore>): RuleStore {
  return new Proxy({} as RuleStore, {
    get: (_target, name: string) => {
      const read = (reads as Record<string, unknown>)[name];
      if (read) return read;
      return async () => {
        calls.push(`store:${name}`);
        throw new Error('store down');
      };
    },
  });
}

const analyst = { userId: 'analyst-1', roles: ['risk'] as never, isStaff: true };
const definition: RuleDefinition = { id: 'r-1', description: 'd', priority: 1, enabled: true, condition: 'regionMismatch', effect: { type: 'score', points: 10 } };
const rule = { ...definition, version: 3 } as unknown as Rule;

describe('audit before action (SEC-4, RISK-7)', () => {
  it('fraud rule changes: the audit entry is written before the store, for apply/propose, approve and reject', async () => {
    const calls: string[] = [];
    const audit = recordingAudit(calls);
    const change: RuleChange = {
      changeId: 'c-1',
      ruleId: 'r-1',
      kind: 'update',
      proposed: definition,
      baseVersion: 3,
      proposedBy: 'analyst-2',
      proposedAt: '2026-01-01T00:00:00.000Z',
      reason: 'why',
      status: 'pending',
    } as RuleChange;
    const rules = failingStore(calls, {
      listRules: async () => [rule],
      getRule: async () => rule,
      pendingChanges: async () => [],
      getChange: async () => change,
    });
    const deps = { rules, audit, clock: manualClock(), newId: () => 'c-new' };
    const ctx = { principal: analyst, reason: 'tuning' };
    await expect(updateRule(deps, ctx, { ...definition, description: 'changed', effect: { type: 'score', points: 20 } })).rejects.toThrow('store down');
    await expect(approveRuleChange(deps, ctx, 'r-1', 'c-1')).rejects.toThrow('store down');
    await expect(rejectRuleChange(deps, ctx, 'r-1', 'c-1')).rejects.toThrow('store down');
    expect(calls).toHaveLength(6);
    for (let i = 0; i < calls.length; i += 2) {
      expect(calls[i]).toMatch(/^audit:/);
      expect(calls[i + 1]).toMatch(/^store:/);
    }
    expect(audit.events.map((e) => e.action)).toEqual(['risk.rule.update', 'risk.rule.approve-change', 'risk.rule.reject-change']);
  });

  it('fraud rule creation: audited before the store is written', async () => {
    const calls: string[] = [];
    const audit = recordingAudit(calls);
    const rules = failingStore(calls, { listRules: async () => [rule], getRule: async () => undefined, pendingChanges: async () => [] });
    await expect(
      createRule({ rules, audit, clock: manualClock(), newId: () => 'c-new' }, { principal: analyst, reason: 'new rule' }, { ...definition, id: 'r-2' }),
    ).rejects.toThrow('store down');
    expect(calls[0]).toBe('audit:risk.rule.create');
    expect(calls[1]).toMatch(/^store:/);
  });

  it('checkout: a staff cancellation is audited before the order changes', async () => {
    const calls: string[] = [];
    const audit = recordingAudit(calls);
    const orders = new Proxy({} as Record<string, unknown>, {
      get: (_target, name: string) => {
        if (name === 'get') return async () => ({ order: { id: 'O-1', status: 'PLACED', customerId: 'c-1', total: { amount: 1000, currency: 'CNY' } }, timeline: [] });
        if (name === 'then') return undefined;
        return async () => {
          calls.push(`store:${name}`);
          throw new Error('store down');
        };
      },
    });
    const deps = { orders, audit, clock: manualClock() } as never;
    await expect(
      cancelOrder(deps, { orderId: 'O-1', principal: { userId: 'ops-1', roles: ['ops'] as never, isStaff: true }, reason: 'customer phoned', correlationId: 'corr-1' }),
    ).rejects.toThrow('store down');
    expect(calls).toEqual(['audit:order.cancel', 'store:getOrder']);
    expect(audit.events[0]).toMatchObject({ action: 'order.cancel', resource: { type: 'order', id: 'O-1' }, reason: 'customer phoned', details: { from: 'PLACED', total: 1000 } });
  });
});
