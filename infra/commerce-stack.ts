/**
 * The whole platform as one stack (the local cloud runs exactly this stack): the platform (key,
 * bus, identity, shared tables) in the stack itself, and the API and each capability in a nested
 * stack of their own — CloudFormation allows 500 resources per stack, and dozens of functions with
 * their roles, routes, queues and rules would not fit in one. Nested stacks deploy and roll back
 * with the parent; references between them become parameters and outputs, which CDK wires.
 */
import { CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Analytics, AnalyticsSegments } from './capabilities/analytics.ts';
import { AuditTrail } from './capabilities/audit.ts';
import { Catalog } from './capabilities/catalog.ts';
import { Checkout } from './capabilities/checkout.ts';
import { Compliance } from './capabilities/compliance.ts';
import { Fraud } from './capabilities/fraud.ts';
import { Fulfillment } from './capabilities/fulfillment.ts';
import { CustomerSignUp } from './capabilities/identity.ts';
import { Notifications } from './capabilities/notifications.ts';
import { Payments } from './capabilities/payments.ts';
import { PlatformRoutes } from './capabilities/platform-routes.ts';
import { Returns } from './capabilities/returns.ts';
import { Suppliers } from './capabilities/suppliers.ts';
import { Tickets } from './capabilities/tickets.ts';
import { Privacy } from './capabilities/privacy.ts';
import { Operations } from './operations.ts';
import { Platform } from './platform.ts';
import { SEVERITIES } from '../shared/severity.ts';
import type { StageSettings } from './stage.ts';

export interface CommerceStackProps extends StackProps {
  readonly stage: StageSettings;
}

/** See the module documentation. */
export class CommerceStack extends Stack {
  readonly platform: Platform;
  /** Consents (SEC-3): `grantConsentCheck` for capabilities that must ask before using personal data. */
  readonly privacy: Privacy;
  /** Suppliers (SUP-1): `grantDirectoryRead` for the compliance scans of licences and single-sourced SKUs. */
  readonly suppliers: Suppliers;
  /** Alarms, SLO, dashboard, backups (OPS-1). */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: CommerceStackProps) {
    super(scope, id, props);
    this.platform = new Platform(this, 'Platform', props.stage);
    const nested = (id: string) => new NestedStack(this, `${id}Stack`, { description: `Serverless commerce: ${id} (${props.stage.name})` });
    new PlatformRoutes(nested('PlatformRoutes'), 'PlatformRoutes', this.platform);
    const catalog = new Catalog(nested('Catalog'), 'Catalog', this.platform);
    const dependencies = { catalog: catalog.table };
    // Payments first: checkout reads its daily limit counters (payments' limits-contract.ts, PAY-1).
    const payments = new Payments(nested('Payments'), 'Payments', this.platform, dependencies);
    // KPI-1: analytics before checkout: POST /quotes counts quotes through analytics' quote counter contract.
    const analytics = new Analytics(nested('Analytics'), 'Analytics', this.platform);
    const checkout = new Checkout(nested('Checkout'), 'Checkout', this.platform, { ...dependencies, payments: payments.table, analytics });
    new Fraud(nested('Fraud'), 'Fraud', this.platform, dependencies);
    new Fulfillment(nested('Fulfillment'), 'Fulfillment', this.platform, { ...dependencies, orders: checkout.table });
    // AFT-1: returns and exchanges; orders through checkout's order contract, restock through catalog's stock contract.
    const returns = new Returns(nested('Returns'), 'Returns', this.platform, { ...dependencies, orders: checkout.table });
    // SUP-1: suppliers, their licences, scorecards and tiers; the compliance scans read them through the
    // supplier contract (`suppliers.grantDirectoryRead(fn)`), so suppliers come before compliance.
    this.suppliers = new Suppliers(nested('Suppliers'), 'Suppliers', this.platform);
    // AFT-2, AFT-3: customer-service tickets, their clocks and escalations, satisfaction.
    const tickets = new Tickets(nested('Tickets'), 'Tickets', this.platform);
    // SEC-3: consents per purpose (other capabilities ask through privacy's consent contract); export, erasure, retention (CMP-2).
    this.privacy = new Privacy(nested('Privacy'), 'Privacy', this.platform, { orders: checkout.table, returns: returns.table, tickets: tickets.table });
    // KPI-2: customer segments ask privacy's consent contract (a nested stack of their own: privacy depends on checkout, which depends on analytics).
    new AnalyticsSegments(nested('AnalyticsSegments'), 'AnalyticsSegments', this.platform, { analytics, privacy: this.privacy });
    // ORD-6, AFT-1, AFT-2: one notification per customer-facing event; contacts through checkout's contact contract.
    new Notifications(nested('Notifications'), 'Notifications', this.platform, { orders: checkout.table, privacy: this.privacy });
    // CMP-1, CMP-2: scheduled scans read the tables they audit (read-only), findings, the yearly report.
    const compliance = new Compliance(nested('Compliance'), 'Compliance', this.platform, {
      ...dependencies,
      orders: checkout.table,
      payments: payments.table,
      tickets: tickets.table,
      returns: returns.table,
      suppliers: this.suppliers,
      privacy: this.privacy,
    });
    new AuditTrail(nested('Audit'), 'Audit', this.platform, { compliance: compliance.table });
    // SEC-1: confirmed customers join the `customer` group (the customer pool's post-confirmation trigger).
    new CustomerSignUp(nested('Identity'), 'Identity', this.platform);
    // OPS-1: alarms for every function, queue and table built above, the API alarms and checkout SLO, the dashboard, backups.
    this.operations = new Operations(this, 'Operations', this.platform);
    this.operations.alarmEverything(this);
    this.platform.api.acknowledgePreflight();

    new CfnOutput(this, 'ApiUrl', { value: this.platform.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'CustomerPoolId', { value: this.platform.identity.customerPool.userPoolId });
    new CfnOutput(this, 'StorefrontClientId', { value: this.platform.identity.storefrontClient.userPoolClientId });
    new CfnOutput(this, 'StaffPoolId', { value: this.platform.identity.staffPool.userPoolId });
    new CfnOutput(this, 'StaffConsoleClientId', { value: this.platform.identity.staffConsoleClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.platform.bus.eventBusName });
    for (const severity of SEVERITIES) {
      new CfnOutput(this, `${severity[0]!.toUpperCase()}${severity.slice(1)}AlarmTopicArn`, {
        value: this.platform.alarms.topic(severity).topicArn,
        description: `Subscribe the ${severity} response (docs/runbooks/incident-levels.md) to this topic: every ${severity} alarm notifies it`,
      });
    }
  }
}
