/**
 * Checkout: see functions/checkout/. (Being built: this construct adds the capability's tables,
 * functions, routes, consumers and schedules.)
 */
import { Construct } from 'constructs';
import type { CommerceTable } from '../constructs/commerce-table.ts';
import type { Platform } from '../platform.ts';

/** Tables of other capabilities this one uses through their documented contracts. */
export interface CheckoutDependencies {
  readonly catalog: CommerceTable;
}

/** See the module documentation. */
export class Checkout extends Construct {
  constructor(scope: Construct, id: string, platform: Platform, dependencies: CheckoutDependencies) {
    super(scope, id);
    void platform;
    void dependencies;
  }
}
