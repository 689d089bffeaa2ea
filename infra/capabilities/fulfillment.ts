/**
 * Fulfillment: see functions/fulfillment/. (Being built: this construct adds the capability's tables,
 * functions, routes, consumers and schedules.)
 */
import { Construct } from 'constructs';
import type { CommerceTable } from '../constructs/commerce-table.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface FulfillmentDependencies {
  readonly catalog: CommerceTable;
}

/** See the module documentation. */
export class Fulfillment extends Construct {
  constructor(scope: Construct, id: string, platform: Platform, dependencies: FulfillmentDependencies) {
    super(scope, id);
    void platform;
    void dependencies;
  }
}
