/** SEC-3: consent per purpose — opt-in, withdrawable, each decision kept as history. */
import { describe, expect, it } from 'vitest';
import { consentsTo, decideConsents, noConsents } from '../../../functions/privacy/domain/consent.ts';

describe('consent per purpose (SEC-3)', () => {
  it('nothing is consented to before the customer decides', () => {
    const none = noConsents('alice');
    for (const purpose of ['marketing', 'analytics', 'personalisation'] as const) expect(consentsTo(none, purpose)).toBe(false);
    expect(consentsTo(undefined, 'marketing')).toBe(false);
  });

  it('gives and withdraws one purpose at a time, recording each change with its time', () => {
    const given = decideConsents(noConsents('alice'), { marketing: true }, '2026-12-01T10:00:00.000Z', 'api');
    expect(given.changes).toEqual([{ purpose: 'marketing', granted: true, at: '2026-12-01T10:00:00.000Z', via: 'api' }]);
    expect(consentsTo(given.next, 'marketing')).toBe(true);
    expect(consentsTo(given.next, 'analytics')).toBe(false);
    expect(given.next.version).toBe(1);

    const withdrawn = decideConsents(given.next, { marketing: false, analytics: true }, '2026-12-02T10:00:00.000Z', 'api');
    expect(withdrawn.changes.map((c) => [c.purpose, c.granted])).toEqual([
      ['marketing', false],
      ['analytics', true],
    ]);
    expect(consentsTo(withdrawn.next, 'marketing')).toBe(false);
    expect(withdrawn.next.purposes.marketing.decidedAt).toBe('2026-12-02T10:00:00.000Z');
    expect(withdrawn.next.version).toBe(2);
  });

  it('the same answer again changes nothing and adds no history; an explicit first "no" is recorded', () => {
    const once = decideConsents(noConsents('alice'), { analytics: false }, '2026-12-01T10:00:00.000Z', 'api');
    expect(once.changes).toHaveLength(1);
    const again = decideConsents(once.next, { analytics: false }, '2026-12-01T11:00:00.000Z', 'api');
    expect(again.changes).toEqual([]);
    expect(again.next).toBe(once.next);
  });
});
