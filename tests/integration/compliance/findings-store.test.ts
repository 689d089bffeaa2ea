/**
 * CMP-1: the findings store's lifecycle on DynamoDB Local — a fixed finding seen again re-opens, a
 * dismissed one (a reviewer's false positive) stays dismissed however often the scan reports it,
 * and a list cursor of one scan is refused (400) on another scan's list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DynamoDbFindingsRepository, findingIdOf } from '../../../functions/compliance/findings-repository.ts';
import { isProblemError } from '../../../shared/errors.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let findings: DynamoDbFindingsRepository;
beforeAll(() => {
  findings = new DynamoDbFindingsRepository(useLocalDynamoDb().tables.compliance);
});

const draft = (subject: string) => ({ subject, severity: 'high' as const, summary: 'planted' });

describe('compliance findings store (CMP-1)', () => {
  it('CMP-1: a fixed finding seen again re-opens; a dismissed one stays dismissed (no daily re-open, no repeated alarm)', async () => {
    const scan = `store-${ulid().toLowerCase()}`;
    const [fixed, dismissed] = [`fixed-${ulid()}`, `dismissed-${ulid()}`];
    for (const subject of [fixed, dismissed]) await findings.record(scan, draft(subject), new Date('2026-01-01T00:00:00Z'));
    await findings.transition(findingIdOf(scan, fixed), ['open'], 'resolved', { outcome: 'fixed', by: 'system', at: '2026-01-02T00:00:00Z' });
    await findings.transition(findingIdOf(scan, dismissed), ['open'], 'resolved', { outcome: 'dismissed', by: 'reviewer-1', at: '2026-01-02T00:00:00Z' });

    expect((await findings.record(scan, draft(fixed), new Date('2026-01-03T00:00:00Z'))).outcome).toBe('reopened');
    const again = await findings.record(scan, draft(dismissed), new Date('2026-01-03T00:00:00Z'));
    expect(again.outcome).not.toBe('reopened');
    expect(again.finding).toMatchObject({ status: 'resolved', resolution: { outcome: 'dismissed', by: 'reviewer-1' }, lastSeenAt: '2026-01-03T00:00:00.000Z' });
  });

  it("SEC-5: a cursor of one scan's list is refused with a 400 on another scan's list", async () => {
    const scan = `store-${ulid().toLowerCase()}`;
    for (let i = 0; i < 3; i++) await findings.record(scan, draft(`s-${i}-${ulid()}`), new Date());
    const page = await findings.list({ scan, limit: 1 });
    expect(page.nextCursor).toBeDefined();
    const refused = await findings.list({ scan: `other-${ulid().toLowerCase()}`, limit: 1, cursor: page.nextCursor }).catch((error: unknown) => error);
    expect(isProblemError(refused) && refused.status).toBe(400);
  });
});
