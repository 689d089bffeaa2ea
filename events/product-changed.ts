/**
 * ProductChanged v1 — a product listing was created or updated through the admin API.
 * Consumers: compliance (CMP-1 banned advertising terms review).
 */
import * as z from '../shared/zod.ts';
import { defineEvent } from './event-definition.ts';

/** Emitted by catalog after `PUT /admin/products/{sku}` wrote a product. Ids only. */
export const ProductChanged = /* @__PURE__ */ defineEvent({
  name: 'ProductChanged',
  version: 1,
  source: 'commerce.catalog',
  description: 'A product listing was created or updated by staff. Carries ids only: read the product for its content.',
  schema: () =>
    z.object({
      sku: z.string().check(z.regex(/^[A-Z0-9-]{3,40}$/)),
      /** The staff user id (token `sub`) that made the change. */
      changedBy: z.string().check(z.minLength(1), z.maxLength(128)),
      changeKind: z.enum(['created', 'updated']),
    }),
  example: { sku: 'TEA-LONGJING-250G', changedBy: '01JD7ZK3X2V8Q4N6M5R9T0W1YB', changeKind: 'created' },
});

/** The payload of a ProductChanged event. */
export type ProductChangedPayload = z.output<typeof ProductChanged.schema>;
