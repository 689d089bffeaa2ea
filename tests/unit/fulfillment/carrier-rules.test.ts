/** FUL-2: carrier selection rules as data, table-driven. */
import { describe, expect, it } from 'vitest';
import {
  CarrierRulesSchema,
  chooseCarrier,
  DEFAULT_CARRIER_RULES,
  shipmentProfile,
  type CarrierRules,
  type ProfiledLine,
} from '../../../functions/fulfillment/domain/carrier-rules.ts';

const line = (over: Partial<ProfiledLine> & Pick<ProfiledLine, 'sku'>): ProfiledLine => ({
  quantity: 1,
  category: 'home',
  weightGrams: 500,
  valueClass: 'standard',
  unitPriceMinor: 10_000,
  ...over,
});

const lychee = line({ sku: 'FRESH-LYCHEE-1KG', category: 'fresh-food', fresh: true, weightGrams: 1100, unitPriceMinor: 5990 });
const phone = line({ sku: 'ELEC-PHONE', category: 'electronics', electronics: true, weightGrams: 210, valueClass: 'high', unitPriceMinor: 399_900 });
const cable = line({ sku: 'ELEC-CABLE', category: 'electronics', electronics: true, weightGrams: 40, valueClass: 'low', unitPriceMinor: 1990 });
const tshirt = line({ sku: 'APP-TSHIRT', category: 'apparel', weightGrams: 200, valueClass: 'low', unitPriceMinor: 7900 });
const book = line({ sku: 'BOOK-SANTI', category: 'books', weightGrams: 1200, valueClass: 'low', unitPriceMinor: 9300 });
const rice = line({ sku: 'GROC-RICE-5KG', category: 'groceries', weightGrams: 5100, valueClass: 'low', unitPriceMinor: 8990 });
const teaSet = line({ sku: 'HOME-TEA-SET', category: 'home', weightGrams: 2500, valueClass: 'standard', unitPriceMinor: 25_800 });
const scarf = line({ sku: 'APP-SILK-SCARF', category: 'apparel', weightGrams: 100, valueClass: 'high', unitPriceMinor: 29_900 });

describe('chooseCarrier with the default rules (FUL-2)', () => {
  it.each<[string, ProfiledLine[], string, string]>([
    ['fresh food → premium', [lychee], 'premium-express', 'fresh-food-premium'],
    ['electronics → premium', [phone], 'premium-express', 'fresh-food-premium'.replace('fresh-food', 'electronics')],
    ['a cheap electronic item is still electronics → premium', [cable], 'premium-express', 'electronics-premium'],
    ['one fresh item makes the whole parcel cold-chain', [tshirt, { ...lychee, quantity: 2 }], 'premium-express', 'fresh-food-premium'],
    ['high value class → premium', [scarf], 'premium-express', 'high-value-premium'],
    ['small, light, low-value → economy', [tshirt, book], 'economy-post', 'small-low-value-economy'],
    ['low value but heavy → standard', [rice], 'standard-express', 'default'],
    ['low value, light, but worth more than ¥200 in total → standard', [{ ...tshirt, quantity: 3 }], 'standard-express', 'default'],
    [
      'exactly ¥200 and 2 kg is still economy (bounds inclusive)',
      [line({ sku: 'X-1', valueClass: 'low', weightGrams: 1000, unitPriceMinor: 10_000, quantity: 2 })],
      'economy-post',
      'small-low-value-economy',
    ],
    ['standard value class → standard', [teaSet], 'standard-express', 'default'],
    ['mixed low and standard: the highest class counts → standard', [tshirt, teaSet], 'standard-express', 'default'],
  ])('%s', (_name, lines, carrier, ruleId) => {
    expect(chooseCarrier(DEFAULT_CARRIER_RULES, shipmentProfile(lines, 'east'))).toEqual({ carrier, ruleId });
  });
});

describe('custom rules: category, weight, value and region (configurable)', () => {
  const rules: CarrierRules = CarrierRulesSchema().parse({
    rules: [
      { id: 'remote-regions', carrier: 'remote-freight', when: { regions: ['west', 'northwest'], minWeightGrams: 3000 } },
      { id: 'books-media-mail', carrier: 'media-post', when: { categories: ['books'] } },
      { id: 'fresh-local-only', carrier: 'cold-chain-local', when: { fresh: true, regions: ['east'] } },
      { id: 'insured', carrier: 'insured-express', when: { minValueMinor: 100_000 } },
      { id: 'group-buy-consolidated', carrier: 'consolidated-freight', when: { orderTypes: ['group-buy'] } },
    ],
    defaultCarrier: 'standard-express',
  });

  it.each<[string, ProfiledLine[], string, string]>([
    ['heavy parcel to the west → remote freight', [rice], 'west', 'remote-freight'],
    ['heavy parcel to the east → default', [rice], 'east', 'standard-express'],
    ['any book in the parcel → media post', [tshirt, book], 'east', 'media-post'],
    ['fresh to the east → local cold chain', [lychee], 'east', 'cold-chain-local'],
    ['fresh to the south → default (no rule)', [lychee], 'south', 'standard-express'],
    ['value ≥ ¥1000 → insured', [phone], 'south', 'insured-express'],
    ['first matching rule wins: heavy books to the west', [{ ...book, quantity: 3 }], 'west', 'remote-freight'],
  ])('%s', (_name, lines, region, carrier) => {
    expect(chooseCarrier(rules, shipmentProfile(lines, region)).carrier).toBe(carrier);
  });

  it('rules by order type (ORD-5): group-buy parcels → consolidated freight', () => {
    expect(chooseCarrier(rules, shipmentProfile([tshirt], 'south', 'group-buy')).carrier).toBe('consolidated-freight');
    expect(chooseCarrier(rules, shipmentProfile([tshirt], 'south', 'regular')).carrier).toBe('standard-express');
  });

  it('rejects malformed rules (config is validated)', () => {
    expect(CarrierRulesSchema().safeParse({ rules: [{ id: 'x', carrier: 'Bad Carrier', when: {} }], defaultCarrier: 'standard-express' }).success).toBe(false);
    expect(CarrierRulesSchema().safeParse({ rules: [{ id: 'x', carrier: 'ok-carrier', when: { colour: 'red' } }], defaultCarrier: 'standard-express' }).success).toBe(false);
    expect(CarrierRulesSchema().safeParse(DEFAULT_CARRIER_RULES).success).toBe(true);
  });
});

describe('shipmentProfile', () => {
  it('totals weight and value by quantity, collects categories and the highest value class', () => {
    expect(shipmentProfile([{ ...tshirt, quantity: 2 }, teaSet], 'north')).toEqual({
      fresh: false,
      electronics: false,
      categories: ['apparel', 'home'],
      weightGrams: 2 * 200 + 2500,
      valueMinor: 2 * 7900 + 25_800,
      valueClass: 'standard',
      region: 'north',
      orderType: 'regular',
    });
  });

  it('refuses an empty shipment', () => {
    expect(() => shipmentProfile([], 'east')).toThrow();
  });
});
