/**
 * Catalog settings: the regions the store ships to and the distance between them (FUL-1: orders are
 * served from the nearest warehouse). `REGION_DISTANCES` overrides the table (JSON).
 */
import * as z from '../../shared/zod.ts';
import { defineSettings, jsonSetting } from '../../shared/config.ts';
import { lazily } from '../../shared/lazily.ts';
import type { RegionDistances } from './domain/allocation.ts';

/** Demo regions of mainland China and rough road distances between their hubs, in km. */
export const DEFAULT_REGION_DISTANCES: RegionDistances = {
  east: { north: 1200, south: 1400, central: 800, west: 1900, northeast: 2000, northwest: 2100 },
  north: { south: 2100, central: 1100, west: 1800, northeast: 850, northwest: 1300 },
  south: { central: 1000, west: 1300, northeast: 3000, northwest: 2400 },
  central: { west: 1100, northeast: 1900, northwest: 1200 },
  west: { northeast: 2700, northwest: 1000 },
  northeast: { northwest: 2200 },
};

const DistancesSchema = /* @__PURE__ */ lazily(() => z.record(z.string().check(z.regex(/^[a-z][a-z0-9-]{1,30}$/)), z.record(z.string(), z.number().check(z.nonnegative()))));

export const catalogSettings = /* @__PURE__ */ defineSettings(
  'catalog',
  () => ({ REGION_DISTANCES: z.optional(jsonSetting(DistancesSchema())) }),
  (env) => {
    const distances: RegionDistances = env.REGION_DISTANCES ?? DEFAULT_REGION_DISTANCES;
    const regions = [...new Set(Object.entries(distances).flatMap(([from, to]) => [from, ...Object.keys(to)]))].sort();
    return { distances, regions };
  },
);
