import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.ts';
import { DEFAULT_SLA_POLICIES } from '../../../functions/tickets/domain/policy.ts';
import { dueAt, dueTimes, elapsedBusinessMs, isBreached, metClock, nextDue, pause, resume, startClocks, type ClockState } from '../../../functions/tickets/domain/sla.ts';
import { applyAction, escalate, sweepDue, TicketTransitionError, type TicketState } from '../../../functions/tickets/domain/ticket.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

describe('AFT-2 ticket clocks with a manual clock', () => {
  it('AFT-2: due times per category — 20 minutes to first response everywhere; complaints resolved within 72 h, counterfeit or damage within 24 h', () => {
    const clock = manualClock('2026-11-26T10:00:00.000Z');
    const opened = startClocks(clock.now().getTime());
    const due = (category: keyof typeof DEFAULT_SLA_POLICIES) => {
      const d = dueTimes(opened, DEFAULT_SLA_POLICIES[category], clock.now().getTime());
      return { firstResponse: iso(d['first-response']), resolution: iso(d.resolution) };
    };
    expect(due('complaint')).toEqual({ firstResponse: '2026-11-26T10:20:00.000Z', resolution: '2026-11-29T10:00:00.000Z' });
    expect(due('counterfeit-or-damage')).toEqual({ firstResponse: '2026-11-26T10:20:00.000Z', resolution: '2026-11-27T10:00:00.000Z' });
    for (const category of ['enquiry', 'privacy', 'delivery'] as const)
      expect(due(category)).toEqual({ firstResponse: '2026-11-26T10:20:00.000Z', resolution: '2026-11-29T10:00:00.000Z' });
  });

  it('AFT-2: pause and resume — time waiting on the customer pushes the due times back by its length; a paused clock never breaches', () => {
    const clock = manualClock('2026-11-26T10:00:00.000Z');
    const policy = DEFAULT_SLA_POLICIES['counterfeit-or-damage'];
    let state: ClockState = startClocks(clock.now().getTime());
    clock.advance(5 * MIN);
    state = { ...state, firstRespondedAt: clock.now().getTime() };
    clock.advance(HOUR);
    state = pause(state, clock.now().getTime()); // agent asks for photos
    clock.advance(30 * HOUR); // the customer takes 30 h
    expect(isBreached(state, policy, 'resolution', clock.now().getTime())).toBe(false);
    expect(elapsedBusinessMs(state, clock.now().getTime())).toBe(65 * MIN);
    state = resume(state, clock.now().getTime());
    expect(iso(dueAt(state, policy, 'resolution', clock.now().getTime()))).toBe('2026-11-28T16:00:00.000Z'); // 24 h + 30 h
    clock.set('2026-11-28T16:00:00.000Z');
    expect(isBreached(state, policy, 'resolution', clock.now().getTime())).toBe(false);
    clock.advance(1);
    expect(isBreached(state, policy, 'resolution', clock.now().getTime())).toBe(true);
  });

  it('AFT-2: breach → escalation — once per clock: first response first, later the resolution; a reply stops the first clock', () => {
    const clock = manualClock('2026-11-26T10:00:00.000Z');
    const policy = DEFAULT_SLA_POLICIES.complaint;
    let ticket: TicketState = { status: 'OPEN', clocks: startClocks(clock.now().getTime()), breaches: [] };
    clock.advance(20 * MIN);
    expect(escalate(ticket, policy, clock.now().getTime())).toBeUndefined();
    clock.advance(1);
    const first = escalate(ticket, policy, clock.now().getTime());
    expect(first?.breached).toEqual([{ clock: 'first-response', dueAt: '2026-11-26T10:20:00.000Z', detectedAt: '2026-11-26T10:20:00.001Z' }]);
    ticket = first!.ticket;
    expect(ticket.status).toBe('ESCALATED');
    expect(escalate(ticket, policy, clock.now().getTime() + HOUR)).toBeUndefined(); // not twice
    expect(iso(sweepDue(ticket, policy, clock.now().getTime())!)).toBe('2026-11-29T10:00:00.000Z');
    ticket = applyAction(ticket, { kind: 'agent-reply', at: clock.now().getTime() });
    expect(ticket.status).toBe('ANSWERED');
    expect(metClock(ticket.clocks, policy, 'first-response')).toBe(false);
    clock.set('2026-11-29T10:00:01.000Z');
    const second = escalate(ticket, policy, clock.now().getTime());
    expect(second?.breached.map((b) => b.clock)).toEqual(['resolution']);
    expect(second!.ticket.breaches).toHaveLength(2);
    expect(sweepDue(second!.ticket, policy, clock.now().getTime())).toBeUndefined();
  });

  it('AFT-2: the state machine — OPEN → ANSWERED → WAITING_ON_CUSTOMER ⇄ ANSWERED → RESOLVED → CLOSED; internal notes change nothing', () => {
    const t0 = Date.parse('2026-11-26T10:00:00.000Z');
    let ticket: TicketState = { status: 'OPEN', clocks: startClocks(t0), breaches: [] };
    ticket = applyAction(ticket, { kind: 'internal-note', at: t0 + MIN });
    expect(ticket.status).toBe('OPEN');
    expect(ticket.clocks.firstRespondedAt).toBeUndefined();
    ticket = applyAction(ticket, { kind: 'agent-reply', at: t0 + 2 * MIN });
    expect(ticket.status).toBe('ANSWERED');
    ticket = applyAction(ticket, { kind: 'agent-reply', at: t0 + 3 * MIN, awaitCustomer: true });
    expect(ticket).toMatchObject({ status: 'WAITING_ON_CUSTOMER', clocks: { pausedSince: t0 + 3 * MIN } });
    expect(nextDue(ticket.clocks, DEFAULT_SLA_POLICIES.enquiry, t0 + 4 * MIN, [])).toBeUndefined();
    ticket = applyAction(ticket, { kind: 'customer-reply', at: t0 + 13 * MIN });
    expect(ticket).toMatchObject({ status: 'ANSWERED', clocks: { pausedMs: 10 * MIN } });
    ticket = applyAction(ticket, { kind: 'resolve', at: t0 + HOUR });
    expect(ticket.status).toBe('RESOLVED');
    expect(() => applyAction(ticket, { kind: 'customer-reply', at: t0 + 2 * HOUR })).toThrow(TicketTransitionError);
    ticket = applyAction(ticket, { kind: 'rate', at: t0 + 2 * HOUR });
    expect(ticket.status).toBe('CLOSED');
    expect(() => applyAction(ticket, { kind: 'rate', at: t0 + 3 * HOUR })).toThrow(TicketTransitionError);
    expect(metClock(ticket.clocks, DEFAULT_SLA_POLICIES.enquiry, 'first-response')).toBe(true);
    expect(metClock(ticket.clocks, DEFAULT_SLA_POLICIES.enquiry, 'resolution')).toBe(true);
  });

  it('AFT-2: resolving a ticket waiting on the customer ends the pause; only resolved tickets can be rated', () => {
    const t0 = Date.parse('2026-11-26T10:00:00.000Z');
    let ticket: TicketState = { status: 'OPEN', clocks: startClocks(t0), breaches: [] };
    expect(() => applyAction(ticket, { kind: 'rate', at: t0 })).toThrow(TicketTransitionError);
    ticket = applyAction(ticket, { kind: 'agent-reply', at: t0 + MIN, awaitCustomer: true });
    ticket = applyAction(ticket, { kind: 'resolve', at: t0 + HOUR });
    expect(ticket.clocks).toMatchObject({ pausedMs: 59 * MIN, resolvedAt: t0 + HOUR });
    expect(ticket.clocks.pausedSince).toBeUndefined();
  });
});

/** Random open/pause/resume histories: a list of (gap, toggle) steps. */
const history = fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * HOUR }), fc.boolean()), { maxLength: 20 });

describe('AFT-2 clock properties', () => {
  it('AFT-2: pausing never makes a due time earlier', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 10 * HOUR }), (steps, extra) => {
        const policy = DEFAULT_SLA_POLICIES.complaint;
        let at = Date.parse('2026-01-01T00:00:00Z');
        let state = startClocks(at);
        for (const [gap, toggle] of steps) {
          at += gap;
          const before = dueAt(state, policy, 'resolution', at);
          const next = toggle ? pause(state, at) : resume(state, at);
          expect(dueAt(next, policy, 'resolution', at)).toBeGreaterThanOrEqual(before);
          // and time moving on never moves a due time earlier either
          expect(dueAt(next, policy, 'resolution', at + extra)).toBeGreaterThanOrEqual(dueAt(next, policy, 'resolution', at));
          state = next;
        }
      }),
    );
  });

  it('AFT-2: elapsed business time is the sum of the unpaused intervals', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 10 * HOUR }), (steps, tail) => {
        const start = Date.parse('2026-01-01T00:00:00Z');
        let at = start;
        let state = startClocks(at);
        let paused = false;
        let unpaused = 0;
        for (const [gap, toggle] of steps) {
          if (!paused) unpaused += gap;
          at += gap;
          state = toggle ? pause(state, at) : resume(state, at);
          paused = toggle;
        }
        if (!paused) unpaused += tail;
        expect(elapsedBusinessMs(state, at + tail)).toBe(unpaused);
      }),
    );
  });
});
