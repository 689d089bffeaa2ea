/**
 * Customer-service tickets (AFT-2, AFT-3): the tickets table; the desk (customers and agents) and
 * the staff routes in two functions; the escalation sweep every minute; the consumer that opens a
 * ticket for each counterfeit or damage return; and the operations alert target that receives
 * every `TicketEscalated` for the operations lead.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AnyEventDefinition } from '../../events/event-definition.ts';
import { ReturnRequested } from '../../events/return-events.ts';
import { TicketEscalated, TicketStatusChanged } from '../../events/ticket-events.ts';
import { ticketAdminRoutes, ticketDeskRoutes } from '../../functions/tickets/routes.ts';
import { TICKET_ENTITY } from '../../functions/tickets/personal-data.ts';
import { CommerceTable } from '../constructs/commerce-table.ts';
import { EventConsumer, ScheduledJob, stableLogicalId } from '../constructs/messaging.ts';
import { acknowledge } from '../constructs/nag.ts';
import type { Platform } from '../platform.ts';

/** The event types tickets publishes: its PutEvents grants name their source only. */
export const TICKETS_PUBLISHES: readonly AnyEventDefinition[] = [TicketStatusChanged, TicketEscalated];

/** How often the escalation sweep runs (the shortest clock is the 20-minute first response). */
export const TICKET_SWEEP_SCHEDULE = 'rate(1 minute)';

/** See the module documentation. */
export class Tickets extends Construct {
  readonly table: CommerceTable;
  /** The operations alert target of escalated tickets (the operations lead's queue). */
  readonly escalationAlerts: Queue;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    const removalPolicy = platform.stage.removalPolicy;
    this.table = new CommerceTable(this, 'TicketsTable', {
      stage: platform.stage,
      indexes: [
        { name: 'byCustomer', partitionKey: 'customerPk', sortKey: 'customerSk' },
        { name: 'byQueue', partitionKey: 'queuePk', sortKey: 'queueSk' },
        { name: 'byNextDue', partitionKey: 'duePk', sortKey: 'dueSk' },
        { name: 'byRoster', partitionKey: 'rosterPk', sortKey: 'rosterSk' },
        { name: 'byPendingOutbox', partitionKey: 'outboxPk', sortKey: 'outboxSk' },
      ],
      timeToLiveAttribute: 'expiresAt',
    });
    stableLogicalId(this.table.table, 'TicketsTable');

    // Customers and agents: open, read, write, rate. Subjects and messages encrypted (entity `ticket`).
    const desk = platform.function(this, 'ServeTicketDeskFunction', {
      entry: 'functions/tickets/handlers/serve-ticket-desk.ts',
      description: 'Tickets: POST/GET /tickets, GET /tickets/{ticketId}, messages, rating (AFT-2, AFT-3)',
    });
    this.table.grant(desk, 'readWrite');
    platform.useFieldEncryption(desk, { encrypt: true, decrypt: true, entities: [TICKET_ENTITY] });
    platform.useIdempotency(desk);
    platform.publishEvents(desk, TICKETS_PUBLISHES);
    for (const route of ticketDeskRoutes) platform.api.addRoute(route, desk);

    // Staff: the queue, resolve (audited), the roster (audited), the service metrics.
    const admin = platform.function(this, 'ServeTicketAdminFunction', {
      entry: 'functions/tickets/handlers/serve-ticket-admin.ts',
      description: 'Tickets staff API: queue, resolve, agent roster, service metrics (AFT-2, AFT-3; audited)',
    });
    this.table.grant(admin, 'readWrite');
    platform.useFieldEncryption(admin, { encrypt: true, decrypt: true, entities: [TICKET_ENTITY] });
    platform.useIdempotency(admin);
    platform.useAuditLog(admin);
    platform.publishEvents(admin, TICKETS_PUBLISHES);
    for (const route of ticketAdminRoutes) platform.api.addRoute(route, admin);

    // AFT-2: breaches escalated once per clock; interrupted outboxes republished. No text is read.
    const sweep = platform.function(this, 'EscalateOverdueTicketsFunction', {
      entry: 'functions/tickets/handlers/escalate-overdue-tickets.ts',
      description: 'Tickets past a clock → ESCALATED, TicketEscalated to operations; outbox republish (AFT-2)',
      timeout: Duration.minutes(1),
    });
    this.table.grant(sweep, 'readWrite');
    platform.publishEvents(sweep, TICKETS_PUBLISHES);
    new ScheduledJob(this, 'EscalateOverdueTickets', {
      schedule: TICKET_SWEEP_SCHEDULE,
      handler: sweep,
      deliveryDlq: platform.eventDeliveryFailures,
      description: 'Ticket escalation sweep every minute',
    });

    // AFT-1 → AFT-2: a counterfeit or damage return opens its ticket (system text, encrypted like any).
    const returns = platform.function(this, 'OpenReturnTicketFunction', {
      entry: 'functions/tickets/handlers/open-return-ticket.ts',
      description: 'ReturnRequested (counterfeit, damaged) → a counterfeit-or-damage ticket, once per return (AFT-2)',
    });
    this.table.grant(returns, 'readWrite');
    platform.useFieldEncryption(returns, { encrypt: true, decrypt: false, entities: [TICKET_ENTITY] });
    platform.publishEvents(returns, TICKETS_PUBLISHES);
    new EventConsumer(this, 'OpenReturnTicket', { bus: platform.bus, events: [ReturnRequested], handler: returns, deliveryDlq: platform.eventDeliveryFailures, removalPolicy });

    // The operations alert target (as fraud's warning tiers): every TicketEscalated, for the operations lead.
    const alertsDlq = new Queue(this, 'TicketEscalationAlertsDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    stableLogicalId(alertsDlq, 'TicketEscalationAlertsDlq');
    acknowledge(alertsDlq, 'Serverless-SQSRedrivePolicy', 'This is the dead-letter queue of the ticket escalation alerts; messages wait here 14 days for a redrive.');
    this.escalationAlerts = new Queue(this, 'TicketEscalationAlerts', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(5),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: alertsDlq, maxReceiveCount: 5 },
      removalPolicy,
    });
    stableLogicalId(this.escalationAlerts, 'TicketEscalationAlerts');
    const rule = new Rule(this, 'TicketEscalationAlertsRule', {
      eventBus: platform.bus,
      description: 'TicketEscalated → the operations alert target (AFT-2)',
      eventPattern: { source: [TicketEscalated.source], detailType: [TicketEscalated.name] },
      targets: [new SqsQueue(this.escalationAlerts, { deadLetterQueue: platform.eventDeliveryFailures, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
    stableLogicalId(rule, 'TicketEscalationAlertsRule');
    // AFT-2: an escalated ticket (a breached clock) waits for the operations lead.
    platform.alarms.alertQueue(this, 'TicketEscalationAlertsWaitingAlarm', this.escalationAlerts, {
      severity: 'high',
      runbook: 'ticket-escalations',
      name: 'ticket-escalations-waiting',
      summary: 'A ticket breached its clock and was escalated (TicketEscalated, AFT-2); the escalation waits in the TicketEscalationAlerts queue for the operations lead.',
    });
  }
}
