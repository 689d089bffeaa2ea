/**
 * The whole platform in one stack (the local cloud runs exactly this stack): the platform
 * (key, bus, identity, API) and one construct per capability.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Catalog } from './capabilities/catalog.ts';
import { Checkout } from './capabilities/checkout.ts';
import { Compliance } from './capabilities/compliance.ts';
import { Fraud } from './capabilities/fraud.ts';
import { Fulfillment } from './capabilities/fulfillment.ts';
import { Payments } from './capabilities/payments.ts';
import { PlatformRoutes } from './capabilities/platform-routes.ts';
import { Platform } from './platform.ts';
import type { StageSettings } from './stage.ts';

export interface CommerceStackProps extends StackProps {
  readonly stage: StageSettings;
}

/** See the module documentation. */
export class CommerceStack extends Stack {
  readonly platform: Platform;

  constructor(scope: Construct, id: string, props: CommerceStackProps) {
    super(scope, id, props);
    this.platform = new Platform(this, 'Platform', props.stage);
    new PlatformRoutes(this, 'PlatformRoutes', this.platform);
    const catalog = new Catalog(this, 'Catalog', this.platform);
    new Checkout(this, 'Checkout', this.platform, { catalog: catalog.table });
    new Payments(this, 'Payments', this.platform, { catalog: catalog.table });
    new Fraud(this, 'Fraud', this.platform, { catalog: catalog.table });
    new Fulfillment(this, 'Fulfillment', this.platform, { catalog: catalog.table });
    new Compliance(this, 'Compliance', this.platform, { catalog: catalog.table });
    this.platform.api.acknowledgePreflight();

    new CfnOutput(this, 'ApiUrl', { value: this.platform.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'CustomerPoolId', { value: this.platform.identity.customerPool.userPoolId });
    new CfnOutput(this, 'StorefrontClientId', { value: this.platform.identity.storefrontClient.userPoolClientId });
    new CfnOutput(this, 'StaffPoolId', { value: this.platform.identity.staffPool.userPoolId });
    new CfnOutput(this, 'StaffConsoleClientId', { value: this.platform.identity.staffConsoleClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.platform.bus.eventBusName });
  }
}
