/**
 * Carrier selection (FUL-2) as data: an ordered list of rules over a shipment's profile (what its
 * lines are, how heavy and valuable it is, where it goes); the first rule whose every condition
 * holds names the carrier, otherwise the default carrier. Pure: no I/O.
 *
 * A shipment's profile is built from its lines and the catalog's product attributes:
 * - `fresh` / `electronics`: true when ANY line is (one fresh item makes the parcel cold-chain);
 * - `categories`: every line's category (a rule's `categories` matches when any line is in it);
 * - `weightGrams`: total weight; `value`: total declared value (list price × quantity, minor units);
 * - `valueClass`: the highest value class of any line (low < standard < high);
 * - `region`: the shipping region;
 * - `orderType`: regular, pre-sale or group-buy (ORD-5: the type decides which carrier rules apply).
 */
import * as z from '../../../shared/zod.ts';
import { lazily } from '../../../shared/lazily.ts';

/** Value classes, lowest first (catalog's product attribute `valueClass`). */
export const VALUE_CLASSES = ['low', 'standard', 'high'] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number];

const CarrierIdSchema = /* @__PURE__ */ lazily(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{1,39}$/, 'Must be a lower-case carrier id like premium-express')));

/** The conditions of a rule; all given ones must hold (absent = any). */
export const CarrierRuleConditionsSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    fresh: z.optional(z.boolean()),
    electronics: z.optional(z.boolean()),
    categories: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.minLength(1))),
    regions: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(31))).check(z.minLength(1))),
    orderTypes: z.optional(z.array(z.enum(['regular', 'pre-sale', 'group-buy'])).check(z.minLength(1))),
    valueClasses: z.optional(z.array(z.enum(VALUE_CLASSES)).check(z.minLength(1))),
    minWeightGrams: z.optional(z.number().check(z.int(), z.gte(0))),
    maxWeightGrams: z.optional(z.number().check(z.int(), z.gte(0))),
    /** Declared value bounds in minor units (ORD-2: integers). */
    minValueMinor: z.optional(z.number().check(z.int(), z.gte(0))),
    maxValueMinor: z.optional(z.number().check(z.int(), z.gte(0))),
  }),
);

/** One rule: when the conditions hold, ship with `carrier`. */
export const CarrierRuleSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(60)),
    carrier: CarrierIdSchema(),
    when: CarrierRuleConditionsSchema(),
  }),
);

/** The rule set: ordered rules and the carrier when none matches. */
export const CarrierRulesSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    rules: z.array(CarrierRuleSchema()).check(z.maxLength(200)),
    defaultCarrier: CarrierIdSchema(),
  }),
);

export type CarrierRule = z.infer<ReturnType<typeof CarrierRuleSchema>>;
export type CarrierRules = z.infer<ReturnType<typeof CarrierRulesSchema>>;

/**
 * The default rules (FUL-2): fresh food and electronics → premium carrier (cold chain, insured);
 * high-value goods → premium carrier; small, light, low-value parcels → economy carrier; anything
 * else → standard carrier.
 */
export const DEFAULT_CARRIER_RULES: CarrierRules = {
  rules: [
    { id: 'fresh-food-premium', carrier: 'premium-express', when: { fresh: true } },
    { id: 'electronics-premium', carrier: 'premium-express', when: { electronics: true } },
    { id: 'high-value-premium', carrier: 'premium-express', when: { valueClasses: ['high'] } },
    { id: 'small-low-value-economy', carrier: 'economy-post', when: { valueClasses: ['low'], maxWeightGrams: 2000, maxValueMinor: 20_000 } },
  ],
  defaultCarrier: 'standard-express',
};

/** One line of a shipment with the product facts the rules read. */
export interface ProfiledLine {
  readonly sku: string;
  readonly quantity: number;
  readonly category: string;
  readonly fresh?: boolean;
  readonly electronics?: boolean;
  readonly weightGrams: number;
  readonly valueClass: ValueClass;
  /** List price per unit, minor units. */
  readonly unitPriceMinor: number;
}

/** What the rules look at. */
export interface ShipmentProfile {
  readonly fresh: boolean;
  readonly electronics: boolean;
  readonly categories: readonly string[];
  readonly weightGrams: number;
  readonly valueMinor: number;
  readonly valueClass: ValueClass;
  readonly region: string;
  readonly orderType: string;
}

/** The profile of a shipment of `lines` to `region` for an order of `orderType`. */
export function shipmentProfile(lines: readonly ProfiledLine[], region: string, orderType = 'regular'): ShipmentProfile {
  if (lines.length === 0) throw new Error('a shipment has at least one line');
  let rank = 0;
  for (const line of lines) rank = Math.max(rank, VALUE_CLASSES.indexOf(line.valueClass));
  return {
    fresh: lines.some((l) => l.fresh === true),
    electronics: lines.some((l) => l.electronics === true),
    categories: [...new Set(lines.map((l) => l.category))].sort(),
    weightGrams: lines.reduce((sum, l) => sum + l.weightGrams * l.quantity, 0),
    valueMinor: lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0),
    valueClass: VALUE_CLASSES[rank] as ValueClass,
    region,
    orderType,
  };
}

/** True when every condition of `when` holds for `profile`. */
export function ruleMatches(when: CarrierRule['when'], profile: ShipmentProfile): boolean {
  if (when.fresh !== undefined && profile.fresh !== when.fresh) return false;
  if (when.electronics !== undefined && profile.electronics !== when.electronics) return false;
  if (when.categories && !profile.categories.some((c) => when.categories?.includes(c))) return false;
  if (when.regions && !when.regions.includes(profile.region)) return false;
  if (when.orderTypes && !(when.orderTypes as readonly string[]).includes(profile.orderType)) return false;
  if (when.valueClasses && !when.valueClasses.includes(profile.valueClass)) return false;
  if (when.minWeightGrams !== undefined && profile.weightGrams < when.minWeightGrams) return false;
  if (when.maxWeightGrams !== undefined && profile.weightGrams > when.maxWeightGrams) return false;
  if (when.minValueMinor !== undefined && profile.valueMinor < when.minValueMinor) return false;
  if (when.maxValueMinor !== undefined && profile.valueMinor > when.maxValueMinor) return false;
  return true;
}

/** The chosen carrier and the rule that chose it (`default` when none matched). */
export interface CarrierChoice {
  readonly carrier: string;
  readonly ruleId: string;
}

/** Chooses the carrier of a shipment: the first matching rule, else the default. */
export function chooseCarrier(rules: CarrierRules, profile: ShipmentProfile): CarrierChoice {
  const rule = rules.rules.find((r) => ruleMatches(r.when, profile));
  return rule ? { carrier: rule.carrier, ruleId: rule.id } : { carrier: rules.defaultCarrier, ruleId: 'default' };
}
