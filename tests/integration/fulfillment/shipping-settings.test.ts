/**
 * Carrier rules (FUL-2) and delivery time limits (FUL-3) as data: ops change them through the use
 * case (validated, audited, versioned; the settings in force again change nothing) and the next
 * allocation — the real handler on DynamoDB Local — books the carrier and due time they name.
 * The settings item lives in an in-memory stand-in here: the run's tables are shared by every test
 * file, and a carrier change there would reach other files' allocations (the stored item itself is
 * the same versioned CONFIG item as degraded mode's; the fresh-stack e2e stores it for real).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import { CatalogReader } from '../../../functions/catalog/stock-contract.ts';
import { DEFAULT_CARRIER_RULES } from '../../../functions/fulfillment/domain/carrier-rules.ts';
import { DEFAULT_DELIVERY_TIME_LIMITS } from '../../../functions/fulfillment/domain/time-limits.ts';
import { FulfillmentRepository, WriteConflict, type StoredShippingSettings } from '../../../functions/fulfillment/fulfillment-repository.ts';
import { makeAllocateOrderHandler } from '../../../functions/fulfillment/handlers/allocate-order.ts';
import { BOOKABLE_CARRIERS } from '../../../functions/fulfillment/settings.ts';
import { getShippingSettings, putShippingSettings } from '../../../functions/fulfillment/shipping-settings.ts';
import type { AuditEvent } from '../../../shared/audit.ts';
import { systemClock } from '../../../shared/clock.ts';
import { ProblemError } from '../../../shared/errors.ts';
import { newId } from '../../../shared/ids.ts';
import { lambdaContext } from '../../support/http-events.ts';
import { useLocalDynamoDb } from '../../support/local-dynamodb-env.ts';
import { capturePublisher, catalogFixture, LISTINGS, statusChangedMessage } from './fixtures.ts';

let catalog: Awaited<ReturnType<typeof catalogFixture>>;
let repository: FulfillmentRepository;
let reader: CatalogReader;

beforeAll(async () => {
  const { tables } = useLocalDynamoDb();
  catalog = await catalogFixture(tables.catalog);
  reader = new CatalogReader(tables.catalog);
  const real = new FulfillmentRepository(tables.fulfillment);
  // The real repository, with this file's own shipping-settings item.
  let stored: StoredShippingSettings | undefined;
  repository = Object.assign(Object.create(real) as FulfillmentRepository, {
    getShippingSettings: async () => stored,
    putShippingSettings: async (settings: Omit<StoredShippingSettings, 'version'>, expectedVersion: number) => {
      if ((stored?.version ?? 0) !== expectedVersion) throw new WriteConflict('shipping settings changed concurrently');
      stored = { ...settings, version: expectedVersion + 1 };
      return stored;
    },
  });
});

const configured = { carrierRules: DEFAULT_CARRIER_RULES, deliveryTimeLimits: DEFAULT_DELIVERY_TIME_LIMITS };
const audited: AuditEvent[] = [];
const deps = () => ({
  repository,
  configured,
  carriers: BOOKABLE_CARRIERS,
  audit: { record: async (e: Omit<AuditEvent, 'seq' | 'at' | 'prevHash' | 'hash'>) => (audited.push(e as AuditEvent), e as never) },
  clock: systemClock,
});
const principal = { userId: 'ops-1', roles: ['ops'] as const } as never;

describe('shipping settings as data (FUL-2, FUL-3)', () => {
  it('ops route every parcel to economy post with a 100-hour limit: the next allocation books it and is due 100 h later; audited once', async () => {
    expect(await getShippingSettings(deps())).toMatchObject({ source: 'configured', version: 0, carrierRules: DEFAULT_CARRIER_RULES });
    const allocate = makeAllocateOrderHandler({ repository: () => repository, catalog: () => reader, publisher: capturePublisher().factory });
    const shipOne = async () => {
      const sku = await catalog.product(LISTINGS.tshirt, { 'WH-EAST': 5 });
      const orderId = newId();
      const reservations = [{ sku, warehouseId: 'WH-EAST', quantity: 1 }];
      await catalog.reserve(orderId, reservations);
      await allocate(statusChangedMessage({ orderId, to: 'APPROVED', reservations, region: 'east' }), lambdaContext());
      const [shipment] = (await repository.getOrder(orderId)).shipments;
      return shipment!;
    };

    const rules = { rules: [], defaultCarrier: 'economy-post' };
    const limits = { defaultHours: 100, carriers: {} };
    const before = audited.length;
    const changed = await putShippingSettings(deps(), { carrierRules: rules, deliveryTimeLimits: limits, reason: 'peak season: one carrier', principal, correlationId: 'c-1' });
    expect(changed).toMatchObject({ outcome: 'updated', view: { source: 'stored', version: 1, changedBy: 'ops-1', carrierRules: rules } });
    expect((await putShippingSettings(deps(), { carrierRules: rules, reason: 'again', principal, correlationId: 'c-2' })).outcome).toBe('unchanged');
    expect(audited.slice(before).map((e) => [e.action, e.details])).toEqual([
      ['fulfillment.shipping-settings.set', { rules: 0, defaultCarrier: 'economy-post', defaultHours: 100, previousVersion: 0 }],
    ]);

    // The allocation handler built before the change reads the settings on its first allocation.
    const shipment = await shipOne();
    expect(shipment.carrier).toBe('economy-post');
    expect(Date.parse(shipment.dueBy) - Date.parse(shipment.createdAt)).toBe(100 * 3_600_000);
  });

  it('refuses a carrier the platform cannot book, duplicate rule ids and inverted bounds, changing nothing', async () => {
    const current = await getShippingSettings(deps());
    const attempt = (carrierRules: unknown) =>
      putShippingSettings(deps(), { carrierRules: carrierRules as never, reason: 'bad', principal, correlationId: 'c' }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const error = (await attempt({
      rules: [
        { id: 'a', carrier: 'pigeon-post', when: {} },
        { id: 'a', carrier: 'economy-post', when: { minWeightGrams: 10, maxWeightGrams: 5 } },
      ],
      defaultCarrier: 'teleport',
    })) as ProblemError;
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.status).toBe(400);
    expect(error.errors?.map((e) => e.path)).toEqual([
      'body.carrierRules.defaultCarrier',
      'body.carrierRules.rules[0].carrier',
      'body.carrierRules.rules[1].id',
      'body.carrierRules.rules[1].when.maxWeightGrams',
    ]);
    expect(await getShippingSettings(deps())).toEqual(current);
  });
});
