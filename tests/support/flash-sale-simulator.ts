/**
 * A flash-sale simulator in simulated time (milliseconds; no clocks, no timers): one hot SKU's
 * stock split into buckets (functions/catalog/domain/stock-shards.ts), each bucket one DynamoDB
 * item that takes at most `writeUnitsPerSecond` write units a second (one partition: 1,000 WCU/s),
 * enforced per item by a token bucket refilled every millisecond. A transactional write costs 2
 * units on every item it touches, a refused one too.
 *
 * Each millisecond `ordersPerSecond / 1000` orders arrive. An order tries the buckets of its
 * probe order, queueing at each: a bucket out of write units throttles it (it waits for the next
 * millisecond's units), a bucket short of stock refuses it (the order tries the next bucket), and
 * when every bucket refused it the order is sold out. Every `rebalanceEveryMs` a rebalancer applies
 * {@link planRebalance}'s moves whose two buckets have write units left.
 *
 * With `reads`, an order must also read before it tries: checkout reads the SKU's product item
 * and each of its buckets (strongly consistent), and each item takes at most `perItemPerSecond`
 * reads a second (one partition: 3,000 RCU/s; an item under 4 KB is one unit). `every-order`: each
 * order reads them all, as checkout did before December 2026. `remembered`: orders are spread over
 * `containers`, each of which reads them once per `rememberMs` (SPLIT_STOCK_CACHE_MS) and its
 * orders plan on that. Either way an order refused by a bucket reads them all again before its next
 * try (the re-plan reads afresh). Orders wait for reads in one line, first come, first served (an
 * order whose container remembers the levels waits behind one that must read: pessimistic). Orders
 * try against the buckets' true levels: a plan on a stale level is modelled by what it costs — the
 * refused try and the fresh read before the next — not by what it planned. Nor are the refusals'
 * re-reads after a sell-out (REFUSAL_MAX_AGE_MS) or the re-plan limit modelled.
 *
 * It reports reservations per simulated second while stock lasts, and checks the invariants:
 * no bucket below zero, units reserved + units left = the stock counted in.
 */
import { applyShardOperation, planRebalance, probeOrder, splitStock } from '../../functions/catalog/domain/stock-shards.ts';

export interface FlashSaleOptions {
  shards: number;
  stock: number;
  ordersPerSecond: number;
  /** Simulated duration in ms (the sale may sell out before). */
  durationMs: number;
  writeUnitsPerSecond?: number;
  /** Write units a bucket may save up (burst); default 1/10 s worth. */
  burstUnits?: number;
  rebalanceEveryMs?: number;
  /** Seed of the order ids. */
  seed?: number;
  /** The reads before each try (see the module documentation); absent: reads are not limited. */
  reads?: { mode: 'every-order' | 'remembered'; perItemPerSecond?: number; containers?: number; rememberMs?: number };
}

export interface FlashSaleResult {
  reserved: number;
  soldOut: number;
  rebalanceMoves: number;
  /** Reservations per simulated second, from the start until the stock ran out (or the end). */
  reservationsPerSecond: number;
  /** The lowest any bucket ever held. */
  lowestBucket: number;
  left: number;
  /** Ms at which the last unit was reserved (undefined: stock left at the end). */
  soldOutAtMs?: number;
}

const TRANSACTION_UNITS = 2;

export function simulateFlashSale(options: FlashSaleOptions): FlashSaleResult {
  const rate = options.writeUnitsPerSecond ?? 1000;
  const burst = options.burstUnits ?? rate / 10;
  const rebalanceEvery = options.rebalanceEveryMs ?? 20;
  let levels = splitStock(options.stock, options.shards);
  const tokens = levels.map(() => burst);
  let seed = options.seed ?? 1;
  const nextId = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return `ORD-${seed.toString(36)}`;
  };
  // Orders queue at the bucket they try next (a throttled attempt waits there for write units).
  const queues: Array<Array<{ probes: number[]; at: number }>> = levels.map(() => []);
  const heads = levels.map(() => 0);
  let reserved = 0;
  let soldOut = 0;
  let moves = 0;
  let lowest = Math.min(...levels);
  let soldOutAtMs: number | undefined;
  let arrivals = 0;

  const spend = (shard: number): boolean => {
    if ((tokens[shard] as number) < TRANSACTION_UNITS) return false;
    tokens[shard] = (tokens[shard] as number) - TRANSACTION_UNITS;
    return true;
  };
  const enqueue = (order: { probes: number[]; at: number }) => {
    if (order.at >= order.probes.length) soldOut++;
    else queues[order.probes[order.at] as number]?.push(order);
  };

  // Reads: one token bucket per item read (the product item, then each bucket), and the orders waiting to read.
  const reads = options.reads;
  const readRate = reads?.perItemPerSecond ?? 3000;
  const readTokens = Array.from({ length: options.shards + 1 }, () => readRate / 10);
  const containers = Math.max(1, reads?.containers ?? 1);
  const lastRead = Array.from({ length: containers }, () => -Infinity);
  let reading: Array<{ probes: number[]; at: number; container: number; fresh: boolean }> = [];
  let readingHead = 0;
  const readAll = (): boolean => {
    if (readTokens.some((t) => t < 1)) return false;
    for (let i = 0; i < readTokens.length; i++) readTokens[i] = (readTokens[i] as number) - 1;
    return true;
  };
  let nextContainer = 0;
  const arrive = (order: { probes: number[]; at: number }, fresh: boolean) => {
    if (!reads) return enqueue(order);
    reading.push({ ...order, container: nextContainer++ % containers, fresh });
  };

  for (let ms = 0; ms < options.durationMs; ms++) {
    for (let i = 0; i < tokens.length; i++) tokens[i] = Math.min(burst, (tokens[i] as number) + rate / 1000);
    for (let i = 0; i < readTokens.length; i++) readTokens[i] = Math.min(readRate / 10, (readTokens[i] as number) + readRate / 1000);

    if (ms % rebalanceEvery === 0) {
      for (const move of planRebalance(levels)) {
        if ((tokens[move.from] as number) < TRANSACTION_UNITS || (tokens[move.to] as number) < TRANSACTION_UNITS) continue;
        spend(move.from);
        spend(move.to);
        const next = applyShardOperation(levels, { kind: 'move', ...move });
        if (next) {
          levels = next;
          moves++;
        }
      }
    }

    arrivals += options.ordersPerSecond / 1000;
    const fresh = Math.floor(arrivals);
    arrivals -= fresh;
    for (let i = 0; i < fresh; i++) arrive({ probes: probeOrder(nextId(), options.shards), at: 0 }, false);
    // Orders read in turn: a remembered read serves its container's orders for rememberMs; a re-plan reads afresh.
    while (readingHead < reading.length) {
      const order = reading[readingHead] as (typeof reading)[number];
      const remembered = reads?.mode === 'remembered' && !order.fresh && ms - (lastRead[order.container] as number) < (reads.rememberMs ?? 1000);
      if (!remembered && !readAll()) break;
      if (!remembered && reads?.mode === 'remembered') lastRead[order.container] = ms;
      readingHead++;
      enqueue({ probes: order.probes, at: order.at });
    }
    if (readingHead > 4096) {
      reading = reading.slice(readingHead);
      readingHead = 0;
    }

    // Each bucket serves its queue while it has write units; a refused order moves on to its next bucket.
    let progress = true;
    while (progress) {
      progress = false;
      for (let shard = 0; shard < queues.length; shard++) {
        const queue = queues[shard] as Array<{ probes: number[]; at: number }>;
        while ((heads[shard] as number) < queue.length) {
          if (!spend(shard)) break; // throttled: the rest wait for the next millisecond's units
          const order = queue[heads[shard] as number] as { probes: number[]; at: number };
          heads[shard] = (heads[shard] as number) + 1;
          progress = true;
          const next = applyShardOperation(levels, { kind: 'reserve', shard, quantity: 1 });
          if (!next) {
            order.at++;
            if (reads && order.at < order.probes.length) arrive(order, true);
            else enqueue(order);
            continue;
          }
          levels = next;
          reserved++;
          if ((levels[shard] as number) < lowest) lowest = levels[shard] as number;
          if (reserved === options.stock) soldOutAtMs = ms + 1;
        }
        if ((heads[shard] as number) > 4096) {
          queues[shard] = queue.slice(heads[shard]);
          heads[shard] = 0;
        }
      }
    }
  }
  const left = levels.reduce((s, v) => s + v, 0);
  const seconds = (soldOutAtMs ?? options.durationMs) / 1000;
  return { reserved, soldOut, rebalanceMoves: moves, reservationsPerSecond: reserved / seconds, lowestBucket: lowest, left, ...(soldOutAtMs === undefined ? {} : { soldOutAtMs }) };
}
