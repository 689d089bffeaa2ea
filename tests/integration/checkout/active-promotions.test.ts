/**
 * Quotes read only promotions that have not ended, through the `byEnd` index (SEC-5:
 * the cost of a quote does not grow with the merchant's promotion history), against DynamoDB Local.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbPromotionStore, PROMOTION_INDEX } from '../../../functions/checkout/promotions-repository.ts';
import { documentClient } from '../../../shared/dynamodb.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';

let store: DynamoDbPromotionStore;
let table: string;

beforeAll(() => {
  table = useLocalDynamoDb().tables.orders;
  store = new DynamoDbPromotionStore(table);
});

const hour = 3_600_000;
const flash = (id: string, startsAt: number | undefined, endsAt: number | undefined) => ({
  kind: 'flash-price' as const,
  promotionId: id,
  title: id,
  sku: 'ACTIVE-PROMO-TEST',
  price: { amount: 100, currency: 'CNY' },
  ...(startsAt !== undefined ? { startsAt: new Date(startsAt).toISOString() } : {}),
  ...(endsAt !== undefined ? { endsAt: new Date(endsAt).toISOString() } : {}),
});

describe('active promotions through an index (SEC-5)', () => {
  it('returns running and open-ended promotions; never ended or not yet started ones', async () => {
    const run = ulid();
    const now = Date.now();
    const ids = { running: `RUN-${run}`, openEnded: `OPEN-${run}`, ended: `END-${run}`, future: `FUT-${run}` };
    await store.putPromotion(flash(ids.running, now - hour, now + hour));
    await store.putPromotion(flash(ids.openEnded, undefined, undefined));
    await store.putPromotion(flash(ids.ended, now - 2 * hour, now - hour));
    await store.putPromotion(flash(ids.future, now + hour, now + 2 * hour));
    const seen = new Set((await store.promotions()).map((p) => p.promotionId));
    expect(seen.has(ids.running)).toBe(true);
    expect(seen.has(ids.openEnded)).toBe(true);
    expect(seen.has(ids.ended)).toBe(false);
    expect(seen.has(ids.future)).toBe(false);
  });

  it('the ended promotion is not even read: the index query starts after it', async () => {
    const run = ulid();
    const now = Date.now();
    await store.putPromotion(flash(`OLD-${run}`, now - 3 * hour, now - 2 * hour));
    const page = await documentClient().send(
      new QueryCommand({
        TableName: table,
        IndexName: PROMOTION_INDEX,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk >= :now',
        ExpressionAttributeValues: { ':pk': 'PROMOTIONS', ':now': new Date(now).toISOString() },
      }),
    );
    expect((page.Items ?? []).some((i) => String(i.sk).includes(`OLD-${run}`))).toBe(false);
  });

  it("a flash sale's order may take the promotions the container read within maxAgeMs; any other order reads them afresh (SPLIT_STOCK_CACHE_MS, issue 15)", async () => {
    const run = ulid();
    const now = Date.now();
    const uncached = new DynamoDbPromotionStore(table);
    const ids = (list: Array<{ promotionId: string }>) => new Set(list.map((p) => p.promotionId));
    await uncached.putPromotion(flash(`A-${run}`, now - hour, now + hour));
    expect(ids(await uncached.promotions()).has(`A-${run}`)).toBe(true);
    await uncached.putPromotion(flash(`B-${run}`, now - hour, now + hour));
    // within a minute of that read: the remembered list (without B)
    const remembered = ids(await uncached.promotions({ maxAgeMs: 60_000 }));
    expect([remembered.has(`A-${run}`), remembered.has(`B-${run}`)]).toEqual([true, false]);
    // an ordinary order reads afresh, and that read is what the next sale order takes
    expect(ids(await uncached.promotions()).has(`B-${run}`)).toBe(true);
    await uncached.putPromotion(flash(`C-${run}`, now - hour, now + hour));
    expect(ids(await uncached.promotions({ maxAgeMs: 60_000 })).has(`C-${run}`)).toBe(false);
    // older than maxAgeMs: read afresh
    expect(ids(await uncached.promotions({ maxAgeMs: 0 })).has(`C-${run}`)).toBe(true);
    // a change saved through the store (the back office) is seen by the container's next read, remembered or not
    await uncached.savePromotion({ promotion: flash(`D-${run}`, now - hour, now + hour), active: true });
    expect(ids(await uncached.promotions({ maxAgeMs: 60_000 })).has(`D-${run}`)).toBe(true);
    // a store caching for quotes serves its cache time, whatever the caller asks
    const quoting = new DynamoDbPromotionStore(table, undefined, 60_000);
    await quoting.promotions();
    await uncached.putPromotion(flash(`E-${run}`, now - hour, now + hour));
    expect(ids(await quoting.promotions()).has(`E-${run}`)).toBe(false);
    expect(ids(await quoting.promotions({ maxAgeMs: 0 })).has(`E-${run}`)).toBe(false);
  });
});
