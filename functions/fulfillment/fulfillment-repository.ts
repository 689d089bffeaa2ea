/**
 * Fulfillment's storage: the FulfillmentTable (`FULFILLMENT_TABLE_NAME`), single-table design.
 *
 * | item                | pk                          | sk                     | GSI keys |
 * |---------------------|-----------------------------|------------------------|----------|
 * | order summary       | `ORDER#<orderId>`           | `SUMMARY`              | — |
 * | shipment            | `ORDER#<orderId>`           | `SHIPMENT#<shipmentId>`| `duePk = DUE#<yyyy-mm-dd>`, `dueSk = <dueBy>#<shipmentId>` while awaiting delivery and not yet alerted (`byDueDate`; never a return pickup) |
 * | waybill lookup      | `WAYBILL#<waybill>`         | `WAYBILL`              | — |
 * | carrier booking     | `ORDER#<orderId>`           | `BOOKING#<shipmentId>` | — (a real carrier's booking, recorded before the allocation commits) |
 * | marker (+ outbox)   | `MARKER#<kind>#<key>`       | `MARKER`               | `outboxPk = PENDING`, `outboxSk = <createdAt>#<pk>` while its events are unpublished (`byPendingOutbox`) |
 * | daily sales         | `SALES#<sku>`               | `DAY#<yyyy-mm-dd>`     | — |
 * | safety-stock state  | `SAFETY`                    | `SKU#<sku>`            | — |
 * | degraded-mode switch| `CONFIG`                    | `DEGRADED_MODE`        | — |
 *
 * Markers make consumers idempotent: each is written with `attribute_not_exists` in the same
 * transaction as the change it guards (allocation of an order, one carrier tracking event, one
 * late alert, one order's demand, one replenishment suggestion), so a replay changes nothing.
 * A marker may carry an *outbox*: the events the change must publish. They are published after
 * the commit and the marker is then marked published; a crash in between leaves the marker on the
 * sparse `byPendingOutbox` index, where the scheduled sweep finds and republishes it.
 *
 * Every write is conditional; the order summary and shipments carry a `version`.
 */
import type { OutboxEvent } from '../../shared/outbox.ts';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { requireSetting } from '../../shared/config.ts';
import { cancellationReasons, documentClient, isConditionalCheckFailed, putIfAbsent, queryAll } from '../../shared/dynamodb.ts';
import type { StockTransactItem } from '../catalog/stock-contract.ts';
import { failedStockItems } from '../catalog/stock-contract.ts';
import type { Booked, CarrierBooking } from './carrier-gateway.ts';
import type { ShipmentException, ShipmentStatus } from './domain/shipment.ts';
import type { CarrierRules } from './domain/carrier-rules.ts';
import type { DeliveryTimeLimits } from './domain/time-limits.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB allows at most 100 items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** An event as stored in the outbox (the kernel's one outbox shape). */
export type { OutboxEvent };

/** A marker item: what it guards and the events it must publish. */
export interface Marker {
  readonly kind: string;
  readonly key: string;
  readonly correlationId: string;
  readonly createdAt: string;
  readonly events: readonly OutboxEvent[];
  readonly publishedAt?: string;
  /** Free-form facts about the outcome (ids, codes). */
  readonly outcome?: Readonly<Record<string, string | number | boolean>>;
}

/** A new marker to write. */
export type NewMarker = Omit<Marker, 'publishedAt'>;

/** The order as fulfillment knows it. */
export interface OrderSummary {
  readonly orderId: string;
  readonly customerId: string;
  readonly paymentMethod: string;
  readonly shippingRegion: string;
  /**
   * `ALLOCATED` (shipments exist) or `CANCELLED`: cancelled before allocation (never allocate;
   * no shipments) or after it (shipments that had not left are cancelled, their stock returned).
   */
  readonly status: 'ALLOCATED' | 'CANCELLED';
  readonly shipmentIds: readonly string[];
  readonly allocatedAt?: string;
  readonly shippedAt?: string;
  readonly deliveredAt?: string;
  readonly cancelledAt?: string;
  readonly version: number;
}

/** One entry of a shipment's tracking history. */
export interface TrackingHistoryEntry {
  readonly status: ShipmentStatus;
  readonly at: string;
  readonly exception?: ShipmentException;
  readonly eventId?: string;
}

/**
 * What a shipment is for besides the order's own delivery (AFT-1): a return parcel picked up at the
 * customer's door for the receiving warehouse, or an exchange's replacement units. Neither counts
 * towards the order's milestones (OrderShipped, OrderDelivered: payments captures on them), and a
 * return pickup has no delivery deadline (no late-delivery alert).
 */
export type ShipmentPurpose = 'return-pickup' | 'replacement';

/** A shipment: one per order and warehouse (the order's own), or one per return (a pickup, a replacement). */
export interface ShipmentRecord {
  /** Absent: one of the order's own shipments (allocation). */
  readonly purpose?: ShipmentPurpose;
  /** The return a pickup or replacement shipment is for. */
  readonly returnId?: string;
  readonly shipmentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly warehouseId: string;
  readonly carrier: string;
  readonly carrierRule: string;
  readonly waybill: string;
  readonly region: string;
  readonly lines: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly weightGrams: number;
  readonly valueMinor: number;
  readonly status: ShipmentStatus;
  readonly exception?: ShipmentException;
  readonly createdAt: string;
  readonly dueBy: string;
  readonly leftAt?: string;
  readonly deliveredAt?: string;
  readonly lastEventAt?: string;
  readonly lateAlertedAt?: string;
  /** The order was cancelled before the carrier picked this shipment up (status CANCELLED). */
  readonly cancelledAt?: string;
  /** A real carrier's reference to the booked pickup (what cancelling it needs); absent for the sandbox. */
  readonly booking?: CarrierBooking;
  /** The provisional waybill the booking was made under, once the carrier assigned the real one. */
  readonly provisionalWaybill?: string;
  readonly history: readonly TrackingHistoryEntry[];
  readonly version: number;
}

/** The degraded-mode switch (FUL-5). */
export interface DegradedMode {
  readonly enabled: boolean;
  readonly reason?: string;
  readonly changedBy?: string;
  readonly changedAt?: string;
  readonly version: number;
}

/** Shipping settings as ops stored them (shipping-settings.ts). */
export interface StoredShippingSettings {
  readonly carrierRules: CarrierRules;
  readonly deliveryTimeLimits: DeliveryTimeLimits;
  readonly reason: string;
  readonly changedBy: string;
  readonly changedAt: string;
  readonly version: number;
}

/** The replenishment state of a SKU (FUL-4). */
export interface SafetyState {
  readonly sku: string;
  /** A suggestion is open (emitted; the SKU has not been seen back at its safety level since). */
  readonly open: boolean;
  readonly safetyStock?: number;
  readonly lastAvailable?: number;
  readonly openedAt?: string;
  readonly clearedAt?: string;
  readonly lastSuggestedAt?: string;
  /** Suggestions emitted so far (each crossing, each daily reminder). */
  readonly suggestions?: number;
}

/** The allocation was already recorded (or the order was cancelled first). */
export class AllocationExists extends Error {
  override readonly name = 'AllocationExists';
}

/**
 * A reservation record's condition failed in a transaction: the order's reservation is no longer
 * in the status the operation needs (released by a cancellation that won the race, or picked).
 */
export class ReservationsNotHeld extends Error {
  override readonly name = 'ReservationsNotHeld';
  constructor(readonly items: ReadonlyArray<{ sku: string; warehouseId: string }>) {
    super(`reservations not held: ${items.map((i) => `${i.sku}@${i.warehouseId}`).join(', ')}`);
  }
}

/** A stock item's condition failed (e.g. the available stock a move needed was taken concurrently). */
export class StockUnavailable extends Error {
  override readonly name = 'StockUnavailable';
  constructor(readonly items: ReadonlyArray<{ sku: string; warehouseId: string }>) {
    super(`stock unavailable: ${items.map((i) => `${i.sku}@${i.warehouseId}`).join(', ')}`);
  }
}

/** A marker already exists: the change it guards was made before. */
export class MarkerExists extends Error {
  override readonly name = 'MarkerExists';
}

/** A concurrent change won a conditional write; read again and retry. */
export class WriteConflict extends Error {
  override readonly name = 'WriteConflict';
}

const ORDER = (orderId: string) => `ORDER#${orderId}`;
const SUMMARY = 'SUMMARY';
const SHIPMENT = (shipmentId: string) => `SHIPMENT#${shipmentId}`;
const WAYBILL = (waybill: string) => `WAYBILL#${waybill}`;
const BOOKING = (shipmentId: string) => `BOOKING#${shipmentId}`;
const MARKER = (kind: string, key: string) => `MARKER#${kind}#${key}`;
const PENDING = 'PENDING';
const AWAITING: readonly ShipmentStatus[] = ['CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY'];

/** The GSI attributes that put a shipment on the late-delivery sweep's index. */
function dueKeys(s: Pick<ShipmentRecord, 'dueBy' | 'shipmentId'>) {
  return { duePk: `DUE#${s.dueBy.slice(0, 10)}`, dueSk: `${s.dueBy}#${s.shipmentId}` };
}

function markerItem(m: NewMarker) {
  const pk = MARKER(m.kind, m.key);
  return {
    pk,
    sk: 'MARKER',
    kind: m.kind,
    key: m.key,
    correlationId: m.correlationId,
    createdAt: m.createdAt,
    events: m.events,
    ...(m.outcome ? { outcome: m.outcome } : {}),
    ...(m.events.length > 0 ? { outboxPk: PENDING, outboxSk: `${m.createdAt}#${pk}` } : { publishedAt: m.createdAt }),
  };
}

function toMarker(item: Record<string, unknown>): Marker {
  return {
    kind: String(item.kind),
    key: String(item.key),
    correlationId: String(item.correlationId),
    createdAt: String(item.createdAt),
    events: (item.events as OutboxEvent[] | undefined) ?? [],
    ...(item.publishedAt ? { publishedAt: String(item.publishedAt) } : {}),
    ...(item.outcome ? { outcome: item.outcome as Marker['outcome'] } : {}),
  };
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, duePk: _d1, dueSk: _d2, ...rest } = item;
  return rest as T;
}

const isTransactionCancelled = (error: unknown) => cancellationReasons(error) !== undefined;

/** The DynamoDB adapter. */
export class FulfillmentRepository {
  constructor(
    readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient(),
  ) {}

  private async transact(items: TransactItem[]): Promise<void> {
    if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`transaction of ${items.length} items exceeds ${MAX_TRANSACTION_ITEMS}`);
    await this.client.send(new TransactWriteCommand({ TransactItems: items }));
  }

  // ── orders and shipments ────────────────────────────────────────────────────────────────

  /** The order's summary and shipments (strongly consistent). */
  async getOrder(orderId: string): Promise<{ summary?: OrderSummary; shipments: ShipmentRecord[] }> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ORDER(orderId) },
      ConsistentRead: true,
    });
    const summaryItem = items.find((i) => i.sk === SUMMARY);
    return {
      ...(summaryItem ? { summary: strip<OrderSummary>(summaryItem) } : {}),
      shipments: items.filter((i) => String(i.sk).startsWith('SHIPMENT#')).map((i) => strip<ShipmentRecord>(i)),
    };
  }

  /**
   * The items that create shipments: each shipment (on the late-delivery index unless it is a
   * return pickup, which is never late for the customer) and its waybill lookup, both only if new.
   */
  private newShipmentItems(shipments: readonly ShipmentRecord[]): TransactItem[] {
    return shipments.flatMap((s): TransactItem[] => [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: ORDER(s.orderId), sk: SHIPMENT(s.shipmentId), ...s, ...(s.purpose === 'return-pickup' ? {} : dueKeys(s)) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: WAYBILL(s.waybill), sk: 'WAYBILL', waybill: s.waybill, carrier: s.carrier, orderId: s.orderId, shipmentId: s.shipmentId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  /**
   * Records an allocation in one transaction: the summary (only if the order has none — not
   * allocated, not cancelled), the shipments and their waybill lookups, the stock operations
   * (catalog's transaction items, conditional on the order's reservations) and the marker with its
   * outbox. Throws {@link AllocationExists}, {@link ReservationsNotHeld}, {@link StockUnavailable}
   * or {@link WriteConflict} (a concurrent transaction on the same items: retry).
   */
  async commitAllocation(input: { summary: OrderSummary; shipments: readonly ShipmentRecord[]; stock: readonly StockTransactItem[]; marker: NewMarker }): Promise<void> {
    const { summary, shipments, stock, marker } = input;
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: { pk: ORDER(summary.orderId), sk: SUMMARY, ...summary }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.newShipmentItems(shipments),
      ...stock,
    ];
    try {
      await this.transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error) ?? [];
      if (reasons[0] === 'ConditionalCheckFailed' || reasons[1] === 'ConditionalCheckFailed')
        throw new AllocationExists(`order ${summary.orderId} already has an allocation or was cancelled`);
      const offset = items.length - stock.length;
      const failed = failedStockItems(stock, reasons.slice(offset));
      if (failed.reservations.length > 0) throw new ReservationsNotHeld(failed.reservations);
      if (failed.stock.length > 0) throw new StockUnavailable(failed.stock);
      if (isTransactionCancelled(error)) throw new WriteConflict(`allocation of order ${summary.orderId} conflicted with a concurrent transaction`);
      throw error;
    }
  }

  /**
   * Records a cancellation after allocation in one transaction: the marker with its outbox, the
   * summary (CANCELLED, only if still at the version read), each cancelled shipment (only if still
   * at the version read — a carrier pickup in between makes it retry) and the stock returns
   * (catalog's returnPickedStock items). Throws {@link MarkerExists}, {@link WriteConflict} or
   * {@link ReservationsNotHeld} (the picks were returned already).
   */
  async commitCancellation(input: {
    summary: OrderSummary;
    expectedSummaryVersion: number;
    shipments: ReadonlyArray<{ shipment: ShipmentRecord; expectedVersion: number }>;
    stock: readonly StockTransactItem[];
    marker: NewMarker;
  }): Promise<void> {
    const { summary, marker, stock } = input;
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: ORDER(summary.orderId), sk: SUMMARY, ...summary },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': input.expectedSummaryVersion },
        },
      },
      ...input.shipments.map(({ shipment, expectedVersion }): TransactItem => ({
        Put: {
          TableName: this.tableName,
          // Off the late-delivery index: no due keys.
          Item: { pk: ORDER(shipment.orderId), sk: SHIPMENT(shipment.shipmentId), ...shipment },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      })),
      ...stock,
    ];
    try {
      await this.transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error) ?? [];
      if (reasons[0] === 'ConditionalCheckFailed') throw new MarkerExists(`${marker.kind} ${marker.key}`);
      const offset = items.length - stock.length;
      const failed = failedStockItems(stock, reasons.slice(offset));
      if (reasons.slice(1, offset).some((r) => r === 'ConditionalCheckFailed')) throw new WriteConflict(`order ${summary.orderId} changed concurrently`);
      if (failed.reservations.length > 0) throw new ReservationsNotHeld(failed.reservations);
      if (isTransactionCancelled(error)) throw new WriteConflict(`cancellation of order ${summary.orderId} conflicted with a concurrent transaction`);
      throw error;
    }
  }

  /**
   * Marks an order cancelled before allocation (so a late approval never allocates it).
   * `false` when the order already has a summary (allocated or cancelled before).
   */
  async markCancelled(input: { orderId: string; customerId: string; paymentMethod: string; shippingRegion: string; at: string }): Promise<boolean> {
    const summary: OrderSummary = {
      orderId: input.orderId,
      customerId: input.customerId,
      paymentMethod: input.paymentMethod,
      shippingRegion: input.shippingRegion,
      status: 'CANCELLED',
      shipmentIds: [],
      cancelledAt: input.at,
      version: 1,
    };
    return putIfAbsent(this.client, this.tableName, { pk: ORDER(input.orderId), sk: SUMMARY, ...summary });
  }

  // ── carrier bookings (carriers whose booking is not idempotent) ─────────────────────────

  /** The booking recorded for a shipment (allocation never books a shipment twice). */
  async getBooking(orderId: string, shipmentId: string): Promise<Booked | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: ORDER(orderId), sk: BOOKING(shipmentId) }, ConsistentRead: true }));
    return Item ? { waybill: String(Item.waybill), ...(Item.booking ? { booking: Item.booking as CarrierBooking } : {}) } : undefined;
  }

  /** Records a booking right after the carrier accepted it (ids and the waybill only). */
  async putBooking(orderId: string, shipmentId: string, booked: Booked, at: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: ORDER(orderId), sk: BOOKING(shipmentId), shipmentId, waybill: booked.waybill, ...(booked.booking ? { booking: booked.booking } : {}), bookedAt: at },
      }),
    );
  }

  /** Every booking recorded for an order (to cancel those a re-plan left unused). */
  async listBookings(orderId: string): Promise<Array<Booked & { shipmentId: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
      ExpressionAttributeValues: { ':pk': ORDER(orderId), ':b': 'BOOKING#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ shipmentId: String(i.shipmentId), waybill: String(i.waybill), ...(i.booking ? { booking: i.booking as CarrierBooking } : {}) }));
  }

  /** Removes the booking record of a cancelled, unused booking. */
  async deleteBooking(orderId: string, shipmentId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: ORDER(orderId), sk: BOOKING(shipmentId) } }));
  }

  /**
   * The carrier assigned the real waybill of a shipment booked under a provisional one: one
   * transaction adds the real waybill's lookup (the provisional one stays, so late callbacks about
   * it still find the shipment) and sets it on the shipment (only at the version read).
   * `false` when the shipment changed in between (read again) — a lookup that already exists for
   * this shipment is fine.
   */
  async attachWaybill(shipment: ShipmentRecord, waybill: string): Promise<boolean> {
    try {
      await this.transact([
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: WAYBILL(waybill), sk: 'WAYBILL', waybill, carrier: shipment.carrier, orderId: shipment.orderId, shipmentId: shipment.shipmentId },
            ConditionExpression: 'attribute_not_exists(pk) OR shipmentId = :id',
            ExpressionAttributeValues: { ':id': shipment.shipmentId },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: ORDER(shipment.orderId), sk: SHIPMENT(shipment.shipmentId) },
            UpdateExpression: 'SET waybill = :w, provisionalWaybill = :p, version = :next',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':w': waybill, ':p': shipment.provisionalWaybill ?? shipment.waybill, ':v': shipment.version, ':next': shipment.version + 1 },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (isTransactionCancelled(error)) return false;
      throw error;
    }
  }

  /** The shipment a waybill belongs to. */
  async findWaybill(waybill: string): Promise<{ orderId: string; shipmentId: string; carrier: string } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: WAYBILL(waybill), sk: 'WAYBILL' }, ConsistentRead: true }));
    return Item ? { orderId: String(Item.orderId), shipmentId: String(Item.shipmentId), carrier: String(Item.carrier) } : undefined;
  }

  /**
   * Records what fulfillment did for a return (AFT-1) in one transaction: its marker with the outbox
   * (only if absent: once per return), the new shipments (only if absent) and their waybill lookups
   * (so the carrier's tracking finds them like any shipment), a replacement's stock picks (catalog's
   * transaction items) — or the marker alone (replacement unavailable). A replacement waits for
   * delivery on the late-delivery index like any shipment; a return pickup never does.
   * Throws {@link MarkerExists}, {@link StockUnavailable} (read stock again) or {@link WriteConflict}.
   */
  async commitReturnShipments(input: { shipments: readonly ShipmentRecord[]; stock: readonly StockTransactItem[]; marker: NewMarker }): Promise<void> {
    const { shipments, stock, marker } = input;
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.newShipmentItems(shipments),
      ...stock,
    ];
    try {
      await this.transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error) ?? [];
      if (reasons[0] === 'ConditionalCheckFailed') throw new MarkerExists(`${marker.kind} ${marker.key}`);
      const offset = items.length - stock.length;
      const failed = failedStockItems(stock, reasons.slice(offset));
      if (failed.stock.length > 0 || failed.reservations.length > 0) throw new StockUnavailable([...failed.stock, ...failed.reservations]);
      if (isTransactionCancelled(error)) throw new WriteConflict(`return shipments of ${marker.key} conflicted with a concurrent transaction`);
      throw error;
    }
  }

  /**
   * Applies a tracking change in one transaction: the shipment (only if still at the version
   * read), the order summary (ditto: serialises the shipments of one order, so the order-level
   * milestones fire once) and the event's marker with its outbox.
   * Throws {@link MarkerExists} (a duplicate) or {@link WriteConflict} (read again, retry).
   */
  async commitTracking(input: {
    shipment: ShipmentRecord;
    expectedShipmentVersion: number;
    summary: OrderSummary;
    expectedSummaryVersion: number;
    marker: NewMarker;
  }): Promise<void> {
    const { shipment, summary, marker } = input;
    const awaiting = AWAITING.includes(shipment.status) && !shipment.lateAlertedAt && shipment.purpose !== 'return-pickup';
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: ORDER(shipment.orderId), sk: SHIPMENT(shipment.shipmentId), ...shipment, ...(awaiting ? dueKeys(shipment) : {}) },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': input.expectedShipmentVersion },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: ORDER(summary.orderId), sk: SUMMARY, ...summary },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': input.expectedSummaryVersion },
        },
      },
    ];
    try {
      await this.transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error) ?? [];
      if (reasons[0] === 'ConditionalCheckFailed') throw new MarkerExists(`${marker.kind} ${marker.key}`);
      if (isTransactionCancelled(error)) throw new WriteConflict(`shipment ${shipment.shipmentId} changed concurrently`);
      throw error;
    }
  }

  /**
   * Records a late-delivery alert once per shipment: sets `lateAlertedAt` (only if the shipment is
   * still awaiting delivery, unalerted and at the version read), takes it off the due index, and
   * writes the marker with its outbox. `false` when it no longer applies.
   */
  async commitLateAlert(input: { shipment: ShipmentRecord; at: string; marker: NewMarker }): Promise<boolean> {
    const { shipment } = input;
    try {
      await this.transact([
        { Put: { TableName: this.tableName, Item: markerItem(input.marker), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: ORDER(shipment.orderId), sk: SHIPMENT(shipment.shipmentId) },
            UpdateExpression: 'SET lateAlertedAt = :at, version = version + :one REMOVE duePk, dueSk',
            ConditionExpression: 'attribute_not_exists(lateAlertedAt) AND version = :v AND #status IN (:s0, :s1, :s2, :s3)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':at': input.at, ':one': 1, ':v': shipment.version, ':s0': AWAITING[0], ':s1': AWAITING[1], ':s2': AWAITING[2], ':s3': AWAITING[3] },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (isTransactionCancelled(error)) return false;
      throw error;
    }
  }

  /** Shipments due on `day` (UTC) before `nowIso`, still awaiting delivery and unalerted. */
  async dueShipments(day: string, nowIso: string, limit = 100, startKey?: Record<string, unknown>): Promise<{ items: ShipmentRecord[]; nextKey?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byDueDate',
        KeyConditionExpression: 'duePk = :pk AND dueSk < :now',
        ExpressionAttributeValues: { ':pk': `DUE#${day}`, ':now': nowIso },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (page.Items ?? []).map((i) => strip<ShipmentRecord>(i)), ...(page.LastEvaluatedKey ? { nextKey: page.LastEvaluatedKey } : {}) };
  }

  // ── markers and the outbox ──────────────────────────────────────────────────────────────

  /** A marker, or `undefined`. */
  async getMarker(kind: string, key: string): Promise<Marker | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: MARKER(kind, key), sk: 'MARKER' }, ConsistentRead: true }));
    return Item ? toMarker(Item) : undefined;
  }

  /** Writes a marker on its own (no other change). Throws {@link MarkerExists}. */
  async putMarker(marker: NewMarker): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new MarkerExists(`${marker.kind} ${marker.key}`);
      throw error;
    }
  }

  /** Marks a marker's events published (takes it off the pending index). Idempotent. */
  async markPublished(kind: string, key: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: MARKER(kind, key), sk: 'MARKER' },
        UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :at) REMOVE outboxPk, outboxSk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Markers whose events are still unpublished, created before `beforeIso`, oldest first. */
  async pendingOutbox(beforeIso: string, limit = 100): Promise<Marker[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byPendingOutbox',
        KeyConditionExpression: 'outboxPk = :pk AND outboxSk < :before',
        ExpressionAttributeValues: { ':pk': PENDING, ':before': beforeIso },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(toMarker);
  }

  // ── demand history and safety stock ─────────────────────────────────────────────────────

  /**
   * Records an order's demand once: the marker plus, per SKU, `units` added to that day's sales and
   * the SKU registered on the safety-stock list. Throws {@link MarkerExists} for a replay.
   */
  async recordDemand(marker: NewMarker, day: string, lines: ReadonlyArray<{ sku: string; quantity: number; listed?: boolean }>): Promise<void> {
    if (1 + 2 * lines.length > MAX_TRANSACTION_ITEMS) throw new Error(`demand of ${lines.length} SKUs does not fit one transaction; split it`);
    await this.recordDemands(
      [marker],
      lines.map((l) => ({ sku: l.sku, day, quantity: l.quantity })),
      lines.filter((l) => !l.listed).map((l) => l.sku),
    );
  }

  /**
   * Records the demand of several orders in one transaction: their markers, the units added to
   * each SKU's day of sales (summed over the orders: one update per SKU and day), and the SKUs to
   * put on the safety-stock list. Throws {@link MarkerExists} when any marker is there (nothing is
   * written then), {@link WriteConflict} when a concurrent transaction on the same items won.
   */
  async recordDemands(markers: readonly NewMarker[], sales: ReadonlyArray<{ sku: string; day: string; quantity: number }>, listing: readonly string[]): Promise<void> {
    const units = new Map<string, { sku: string; day: string; quantity: number }>();
    for (const s of sales) {
      const key = `${s.sku}\n${s.day}`;
      units.set(key, { ...s, quantity: (units.get(key)?.quantity ?? 0) + s.quantity });
    }
    const toList = [...new Set(listing)];
    if (markers.length + units.size + toList.length > MAX_TRANSACTION_ITEMS) throw new Error(`demand of ${markers.length} orders does not fit one transaction; split it`);
    try {
      await this.transact([
        ...markers.map((marker): TransactItem => ({ Put: { TableName: this.tableName, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } })),
        ...[...units.values()].map((l): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: { pk: `SALES#${l.sku}`, sk: `DAY#${l.day}` },
            UpdateExpression: 'SET sku = :sku, #day = :day ADD units :q',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ':sku': l.sku, ':day': l.day, ':q': l.quantity },
          },
        })),
        // The safety-stock list's entries the caller does not know to be there already.
        ...toList.map((sku): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: { pk: 'SAFETY', sk: `SKU#${sku}` },
            UpdateExpression: 'SET sku = :sku, #open = if_not_exists(#open, :false)',
            ExpressionAttributeNames: { '#open': 'open' },
            ExpressionAttributeValues: { ':sku': sku, ':false': false },
          },
        })),
      ]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.slice(0, markers.length).includes('ConditionalCheckFailed')) throw new MarkerExists(markers.map((m) => `${m.kind} ${m.key}`).join(', '));
      if (reasons?.includes('TransactionConflict')) throw new WriteConflict(`demand ${markers.map((m) => m.key).join(', ')}: a concurrent transaction on the same day's sales won`);
      throw error;
    }
  }

  /** Units sold per day of a SKU between two days (inclusive). */
  async salesByDay(sku: string, fromDay: string, toDay: string): Promise<Map<string, number>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `SALES#${sku}`, ':from': `DAY#${fromDay}`, ':to': `DAY#${toDay}` },
    });
    return new Map(items.map((item) => [String(item.sk).slice('DAY#'.length), Number(item.units ?? 0)]));
  }

  /** The replenishment state of a SKU (closed when never seen). */
  async getSafetyState(sku: string): Promise<SafetyState> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'SAFETY', sk: `SKU#${sku}` }, ConsistentRead: true }));
    return safetyStateOf(sku, Item);
  }

  /** One day's units sold of a SKU and its replenishment state, in one strongly consistent BatchGetItem. */
  async daySalesAndSafetyState(sku: string, day: string): Promise<{ units: number; state: SafetyState }> {
    const keys = [
      { pk: `SALES#${sku}`, sk: `DAY#${day}` },
      { pk: 'SAFETY', sk: `SKU#${sku}` },
    ];
    const { Responses, UnprocessedKeys } = await this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
    const found = Responses?.[this.tableName] ?? [];
    if (Object.keys(UnprocessedKeys ?? {}).length > 0) {
      // Left unread (throttling): read the two items one at a time.
      const [sales, state] = await Promise.all([this.salesByDay(sku, day, day), this.getSafetyState(sku)]);
      return { units: sales.get(day) ?? 0, state };
    }
    const sales = found.find((i) => i.pk === keys[0]!.pk);
    return {
      units: Number(sales?.units ?? 0),
      state: safetyStateOf(
        sku,
        found.find((i) => i.pk === 'SAFETY'),
      ),
    };
  }

  /** A page of SKUs on the safety-stock list. */
  async listSafetySkus(limit: number, startKey?: Record<string, unknown>): Promise<{ skus: string[]; nextKey?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'SAFETY' },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { skus: (page.Items ?? []).map((i) => String(i.sku)), ...(page.LastEvaluatedKey ? { nextKey: page.LastEvaluatedKey } : {}) };
  }

  /**
   * Opens a suggestion with its marker and outbox. With `requireClosed` (a stock change) only if
   * none is open; the daily sweep opens regardless (its marker is once per SKU per day).
   * `false` when the condition failed (a suggestion is open, or the marker exists).
   */
  async openSuggestion(input: { sku: string; safetyStock: number; available: number; at: string; requireClosed: boolean; marker: NewMarker }): Promise<boolean> {
    try {
      await this.transact([
        { Put: { TableName: this.tableName, Item: markerItem(input.marker), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: 'SAFETY', sk: `SKU#${input.sku}` },
            UpdateExpression:
              'SET sku = :sku, #open = :true, openedAt = if_not_exists(openedAt, :at), lastSuggestedAt = :at, safetyStock = :safety, lastAvailable = :available ADD suggestions :one',
            ...(input.requireClosed ? { ConditionExpression: 'attribute_not_exists(#open) OR #open = :false' } : {}),
            ExpressionAttributeNames: { '#open': 'open' },
            ExpressionAttributeValues: {
              ':sku': input.sku,
              ':true': true,
              ':one': 1,
              ':at': input.at,
              ':safety': input.safetyStock,
              ':available': input.available,
              ...(input.requireClosed ? { ':false': false } : {}),
            },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (isTransactionCancelled(error)) return false;
      throw error;
    }
  }

  /** Closes an open suggestion (the SKU is back at its safety level). `false` if none was open. */
  async clearSuggestion(input: { sku: string; safetyStock: number; available: number; at: string }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: 'SAFETY', sk: `SKU#${input.sku}` },
          UpdateExpression: 'SET #open = :false, clearedAt = :at, safetyStock = :safety, lastAvailable = :available REMOVE openedAt',
          ConditionExpression: '#open = :true',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':false': false, ':true': true, ':at': input.at, ':safety': input.safetyStock, ':available': input.available },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  // ── degraded mode ───────────────────────────────────────────────────────────────────────

  /** The degraded-mode switch (off when never set). */
  async getDegradedMode(): Promise<DegradedMode> {
    return (await this.getConfig<DegradedMode>('DEGRADED_MODE')) ?? { enabled: false, version: 0 };
  }

  /** Sets the switch if it is still at `expectedVersion`. Throws {@link WriteConflict}. */
  putDegradedMode(mode: Omit<DegradedMode, 'version'>, expectedVersion: number): Promise<DegradedMode> {
    return this.putConfig('DEGRADED_MODE', mode, expectedVersion);
  }

  // ── shipping settings (carrier rules, delivery time limits) ─────────────────────────────

  /** The shipping settings ops stored (FUL-2, FUL-3); undefined until they first change them. */
  getShippingSettings(): Promise<StoredShippingSettings | undefined> {
    return this.getConfig<StoredShippingSettings>('SHIPPING');
  }

  /** Stores the shipping settings if still at `expectedVersion` (0: never stored). Throws {@link WriteConflict}. */
  putShippingSettings(settings: Omit<StoredShippingSettings, 'version'>, expectedVersion: number): Promise<StoredShippingSettings> {
    return this.putConfig('SHIPPING', settings, expectedVersion);
  }

  private async getConfig<T>(name: string): Promise<T | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'CONFIG', sk: name }, ConsistentRead: true }));
    return Item ? strip<T>(Item) : undefined;
  }

  /** A configuration item, versioned: written only if still at `expectedVersion`. */
  private async putConfig<T extends object>(name: string, value: T, expectedVersion: number): Promise<T & { version: number }> {
    const next = { ...value, version: expectedVersion + 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: 'CONFIG', sk: name, ...next },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return next;
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new WriteConflict(`${name} changed concurrently`);
      throw error;
    }
  }
}

let shared: FulfillmentRepository | undefined;

/** The container's repository on `FULFILLMENT_TABLE_NAME`. */
export function fulfillmentRepositoryFromEnv(): FulfillmentRepository {
  shared ??= new FulfillmentRepository(requireSetting('fulfillmentTableName'));
  return shared;
}

/** A SKU's replenishment state from its item (closed when there is none). */
function safetyStateOf(sku: string, item: Record<string, unknown> | undefined): SafetyState {
  return item ? { ...strip<SafetyState>(item), sku, open: item.open === true } : { sku, open: false };
}
