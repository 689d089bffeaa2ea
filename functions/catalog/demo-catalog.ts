/**
 * Demo data for local runs, demos and end-to-end tests: 3 warehouses in different regions (FUL-1),
 * 24 products across categories with prices in CNY fen (ORD-2), realistic attributes (FUL-2) and
 * stock per SKU per warehouse. One listing deliberately contains a banned advertising term
 * ("最佳", CMP-1) so the compliance scan has something to find.
 *
 * {@link seedDemoCatalog} goes through the same use cases as ops' staff API — `putWarehouse`,
 * `putProduct`, `countStock` — so demo data is validated, audited (actor `system:seed`) and
 * announced (`ProductChanged`, `StockAdjusted`) exactly like production data. It is idempotent: it
 * writes a marker item last, and a second call does nothing; every item is created only if absent,
 * so a seed interrupted half-way can be re-run and never overwrites what staff have edited since.
 */
import type { AuditLog } from '../../shared/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import { mapLimited } from '../../shared/concurrency.ts';
import type { EventPublisher } from '../../shared/events.ts';
import type { CatalogRepository, Warehouse } from './catalog-repository.ts';
import type { ProductInput } from './domain/product.ts';
import { putWarehouse } from './manage-warehouses.ts';
import { putProduct } from './put-product.ts';
import { countStock } from './stock-admin.ts';

/** The seed marker's name; bump the suffix when the demo data changes incompatibly. */
export const DEMO_SEED_MARKER = 'demo-catalog-v1';

/** Who the demo products were "changed by". */
export const DEMO_SEED_USER = 'system:seed';

/** The demo warehouses: a central one in the east and two regional ones. */
export const DEMO_WAREHOUSES: readonly Warehouse[] = [
  { warehouseId: 'WH-EAST', name: '华东中心仓 East central warehouse', city: 'Shanghai', region: 'east' },
  { warehouseId: 'WH-NORTH', name: '华北仓 North warehouse', city: 'Beijing', region: 'north' },
  { warehouseId: 'WH-SOUTH', name: '华南仓 South warehouse', city: 'Guangzhou', region: 'south' },
];

const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** A demo product: its listing and its on-hand stock per warehouse. */
export interface DemoProduct {
  readonly sku: string;
  readonly listing: ProductInput;
  readonly stock: Readonly<Record<string, number>>;
}

/** The demo products (prices in fen). */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  // fresh food: fresh → premium cold-chain carrier
  {
    sku: 'FRESH-LYCHEE-1KG',
    listing: { name: '妃子笑荔枝 1kg Fresh lychees', category: 'fresh-food', price: cny(5990), attributes: { fresh: true, weightGrams: 1100, valueClass: 'standard' } },
    stock: { 'WH-EAST': 40, 'WH-NORTH': 0, 'WH-SOUTH': 120 },
  },
  {
    sku: 'FRESH-SALMON-500G',
    listing: { name: '挪威冰鲜三文鱼 500g Chilled salmon', category: 'fresh-food', price: cny(12800), attributes: { fresh: true, weightGrams: 600, valueClass: 'standard' } },
    stock: { 'WH-EAST': 30, 'WH-NORTH': 25, 'WH-SOUTH': 10 },
  },
  {
    sku: 'FRESH-STRAWBERRY-500G',
    listing: { name: '丹东草莓 500g Strawberries', category: 'fresh-food', price: cny(4990), attributes: { fresh: true, weightGrams: 550, valueClass: 'low' } },
    stock: { 'WH-EAST': 60, 'WH-NORTH': 45, 'WH-SOUTH': 0 },
  },
  {
    sku: 'FRESH-MILK-1L',
    listing: { name: '巴氏鲜牛奶 1L Fresh milk', category: 'fresh-food', price: cny(1590), attributes: { fresh: true, weightGrams: 1050, valueClass: 'low' } },
    stock: { 'WH-EAST': 200, 'WH-NORTH': 150, 'WH-SOUTH': 180 },
  },
  {
    sku: 'FRESH-CRAB-6PCS',
    listing: { name: '阳澄湖大闸蟹 6只装 Hairy crabs (6)', category: 'fresh-food', price: cny(39800), attributes: { fresh: true, weightGrams: 1800, valueClass: 'high' } },
    stock: { 'WH-EAST': 0, 'WH-NORTH': 0, 'WH-SOUTH': 0 },
  },
  // electronics → premium carrier
  {
    sku: 'ELEC-PHONE-X12-128G',
    listing: { name: '智能手机 X12 128GB Smartphone', category: 'electronics', price: cny(399900), attributes: { electronics: true, weightGrams: 210, valueClass: 'high' } },
    stock: { 'WH-EAST': 25, 'WH-NORTH': 12, 'WH-SOUTH': 18 },
  },
  {
    sku: 'ELEC-EARBUDS-PRO',
    listing: {
      name: '无线降噪耳机 Pro Noise-cancelling earbuds',
      category: 'electronics',
      price: cny(89900),
      attributes: { electronics: true, weightGrams: 60, valueClass: 'high' },
    },
    stock: { 'WH-EAST': 80, 'WH-NORTH': 40, 'WH-SOUTH': 55 },
  },
  {
    sku: 'ELEC-POWERBANK-20K',
    listing: { name: '20000mAh 移动电源 Power bank', category: 'electronics', price: cny(12900), attributes: { electronics: true, weightGrams: 420, valueClass: 'standard' } },
    stock: { 'WH-EAST': 150, 'WH-NORTH': 90, 'WH-SOUTH': 110 },
  },
  {
    sku: 'ELEC-KETTLE-17L',
    listing: { name: '电热水壶 1.7L Electric kettle', category: 'electronics', price: cny(15900), attributes: { electronics: true, weightGrams: 1200, valueClass: 'standard' } },
    stock: { 'WH-EAST': 35, 'WH-NORTH': 20, 'WH-SOUTH': 15 },
  },
  {
    sku: 'ELEC-USB-C-CABLE-1M',
    listing: { name: 'USB-C 数据线 1m USB-C cable', category: 'electronics', price: cny(1990), attributes: { electronics: true, weightGrams: 40, valueClass: 'low' } },
    stock: { 'WH-EAST': 500, 'WH-NORTH': 300, 'WH-SOUTH': 400 },
  },
  // CMP-1 demo: "最佳" is a banned absolute claim; the compliance scan reports this listing.
  {
    sku: 'ELEC-AIR-PURIFIER',
    listing: { name: '最佳空气净化器 除甲醛 Air purifier', category: 'electronics', price: cny(129900), attributes: { electronics: true, weightGrams: 7800, valueClass: 'high' } },
    stock: { 'WH-EAST': 8, 'WH-NORTH': 5, 'WH-SOUTH': 0 },
  },
  // apparel
  {
    sku: 'APP-TSHIRT-WHITE-M',
    listing: { name: '纯棉短袖T恤 白色 M Cotton T-shirt', category: 'apparel', price: cny(7900), attributes: { weightGrams: 200, valueClass: 'low' } },
    stock: { 'WH-EAST': 120, 'WH-NORTH': 80, 'WH-SOUTH': 95 },
  },
  {
    sku: 'APP-DOWN-JACKET-L',
    listing: { name: '轻薄羽绒服 L Down jacket', category: 'apparel', price: cny(69900), attributes: { weightGrams: 900, valueClass: 'standard' } },
    stock: { 'WH-EAST': 20, 'WH-NORTH': 60, 'WH-SOUTH': 2 },
  },
  {
    sku: 'APP-SNEAKER-42',
    listing: { name: '缓震跑步鞋 42码 Running shoes', category: 'apparel', price: cny(45900), attributes: { weightGrams: 800, valueClass: 'standard' } },
    stock: { 'WH-EAST': 30, 'WH-NORTH': 25, 'WH-SOUTH': 30 },
  },
  {
    sku: 'APP-SILK-SCARF',
    listing: { name: '桑蚕丝围巾 Silk scarf', category: 'apparel', price: cny(29900), attributes: { weightGrams: 100, valueClass: 'high' } },
    stock: { 'WH-EAST': 15, 'WH-NORTH': 5, 'WH-SOUTH': 10 },
  },
  // home
  {
    sku: 'HOME-TEA-SET-6PC',
    listing: { name: '青花瓷茶具 6件套 Porcelain tea set', category: 'home', price: cny(25800), attributes: { weightGrams: 2500, valueClass: 'standard' } },
    stock: { 'WH-EAST': 12, 'WH-NORTH': 6, 'WH-SOUTH': 9 },
  },
  {
    sku: 'HOME-PILLOW-LATEX',
    listing: { name: '天然乳胶枕 Latex pillow', category: 'home', price: cny(19900), attributes: { weightGrams: 1500, valueClass: 'standard' } },
    stock: { 'WH-EAST': 40, 'WH-NORTH': 35, 'WH-SOUTH': 28 },
  },
  {
    sku: 'HOME-TOWEL-3PK',
    listing: { name: '纯棉毛巾 3条装 Cotton towels (3)', category: 'home', price: cny(3990), attributes: { weightGrams: 450, valueClass: 'low' } },
    stock: { 'WH-EAST': 250, 'WH-NORTH': 180, 'WH-SOUTH': 220 },
  },
  // books
  {
    sku: 'BOOK-SANTI-TRILOGY',
    listing: { name: '三体（全三册） The Three-Body Problem trilogy', category: 'books', price: cny(9300), attributes: { weightGrams: 1200, valueClass: 'low' } },
    stock: { 'WH-EAST': 70, 'WH-NORTH': 65, 'WH-SOUTH': 50 },
  },
  {
    sku: 'BOOK-HONGLOUMENG',
    listing: { name: '红楼梦 Dream of the Red Chamber', category: 'books', price: cny(5980), attributes: { weightGrams: 1500, valueClass: 'low' } },
    stock: { 'WH-EAST': 45, 'WH-NORTH': 40, 'WH-SOUTH': 30 },
  },
  {
    sku: 'BOOK-PYTHON-INTRO',
    listing: { name: 'Python编程入门 Python for beginners', category: 'books', price: cny(8900), attributes: { weightGrams: 700, valueClass: 'low' } },
    stock: { 'WH-EAST': 55, 'WH-NORTH': 0, 'WH-SOUTH': 20 },
  },
  // groceries (not fresh)
  {
    sku: 'TEA-LONGJING-250G',
    listing: { name: '明前西湖龙井 250g Longjing green tea', category: 'groceries', price: cny(36800), attributes: { weightGrams: 300, valueClass: 'high' } },
    stock: { 'WH-EAST': 35, 'WH-NORTH': 10, 'WH-SOUTH': 12 },
  },
  {
    sku: 'GROC-RICE-5KG',
    listing: { name: '五常大米 5kg Wuchang rice', category: 'groceries', price: cny(8990), attributes: { weightGrams: 5100, valueClass: 'low' } },
    stock: { 'WH-EAST': 90, 'WH-NORTH': 140, 'WH-SOUTH': 60 },
  },
  // beauty
  {
    sku: 'BEAUTY-SERUM-30ML',
    listing: { name: '玻尿酸精华液 30ml Hyaluronic serum', category: 'beauty', price: cny(45000), attributes: { weightGrams: 120, valueClass: 'high' } },
    stock: { 'WH-EAST': 25, 'WH-NORTH': 20, 'WH-SOUTH': 30 },
  },
];

/** What a seed did. */
export interface SeedResult {
  /** False when the marker existed: nothing was written. */
  readonly seeded: boolean;
  readonly productsCreated: number;
  readonly stockLevelsCreated: number;
  readonly warehousesCreated: number;
}

/** The staff use cases' ports. */
export interface DemoCatalogDeps {
  readonly catalog: CatalogRepository;
  readonly audit: AuditLog;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId: () => string;
  /** The store's shipping regions and currency (catalog settings, config). */
  readonly regions: readonly string[];
  readonly currency: string;
}

/** Products seeded side by side. */
const SEED_CONCURRENCY = 8;

/** The reason the seeder's changes carry in the audit trail. */
export const DEMO_SEED_REASON = 'demo data (dev stage seeder)';

/**
 * Creates what is missing of the demo warehouses, products and stock through the staff use cases,
 * then the marker.
 */
export async function seedDemoCatalog(deps: DemoCatalogDeps): Promise<SeedResult> {
  if (await deps.catalog.hasSeedMarker(DEMO_SEED_MARKER)) {
    return { seeded: false, productsCreated: 0, stockLevelsCreated: 0, warehousesCreated: 0 };
  }
  const staff = { roles: ['ops'] as const, reason: DEMO_SEED_REASON, correlationId: `seed-${DEMO_SEED_MARKER}` };
  let warehousesCreated = 0;
  for (const w of DEMO_WAREHOUSES) {
    if (await deps.catalog.getWarehouse(w.warehouseId)) continue;
    const result = await putWarehouse(deps, {
      warehouseId: w.warehouseId,
      input: { name: w.name, city: w.city, region: w.region, active: w.active !== false },
      changedBy: DEMO_SEED_USER,
      ...staff,
    });
    if (result.outcome === 'created') warehousesCreated++;
  }
  let productsCreated = 0;
  let stockLevelsCreated = 0;
  // Eight products at a time (a fresh `npm start` waits for this seeder): the audit entries they
  // record meanwhile go into the chain together (the audit log's group commit), not one by one.
  await mapLimited(DEMO_PRODUCTS, SEED_CONCURRENCY, async ({ sku, listing, stock }) => {
    const [existing, stockLevels] = await Promise.all([deps.catalog.getProductRecord(sku), deps.catalog.getStockLevels(sku)]);
    if (!existing) {
      const result = await putProduct(deps, { sku, input: listing, changedBy: DEMO_SEED_USER, ...staff });
      if (result.outcome === 'created') productsCreated++;
    }
    const levels = new Set(stockLevels.map((l) => l.warehouseId));
    for (const [warehouseId, onHand] of Object.entries(stock)) {
      if (levels.has(warehouseId) || onHand === 0) continue;
      const counted = await countStock(deps, { sku, warehouseId, onHand, actor: DEMO_SEED_USER, ...staff });
      if (counted.outcome === 'adjusted') stockLevelsCreated++;
    }
  });
  await deps.catalog.putSeedMarker(DEMO_SEED_MARKER, deps.clock.now());
  return { seeded: true, productsCreated, stockLevelsCreated, warehousesCreated };
}
