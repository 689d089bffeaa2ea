/**
 * The tickets capability's adapters, from the environment unless a test passes its own:
 * `TICKETS_TABLE_NAME`, `FIELD_ENCRYPTION_KEY_ID` (entity `ticket`), `EVENT_BUS_NAME`,
 * `AUDIT_TABLE_NAME` (staff changes).
 */
import { auditLogFromEnv, type AuditLog } from '../../shared/audit.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { eventBridgePublisher, type EventPublisher } from '../../shared/events.ts';
import { ticketCipherFromEnv, type TicketCipher } from './personal-data.ts';
import { ticketsSettings, type TicketsSettings } from './settings.ts';
import { ticketRepositoryFromEnv, type TicketRepository } from './ticket-repository.ts';
import type { TicketDeps } from './tickets.ts';

/** Ports of the handlers; each defaults to the real adapter. */
export interface TicketsPorts {
  readonly repository?: () => TicketRepository;
  readonly cipher?: () => TicketCipher;
  readonly audit?: () => AuditLog;
  readonly publisher?: (correlationId: string) => EventPublisher;
  readonly clock?: Clock;
  readonly settings?: () => TicketsSettings;
}

/** The use cases' dependencies over the ports (resolved on each call: nothing is read at import). */
export function ticketsRuntime(ports: TicketsPorts = {}) {
  const settings = () => (ports.settings ?? (() => ticketsSettings()))();
  return {
    settings,
    deps: (): TicketDeps => ({
      repository: (ports.repository ?? ticketRepositoryFromEnv)(),
      cipher: (ports.cipher ?? ticketCipherFromEnv)(),
      clock: ports.clock ?? systemClock,
      policies: settings().policies,
      publisher: ports.publisher ?? ((correlationId) => eventBridgePublisher({ correlationId })),
    }),
    audit: () => (ports.audit ?? auditLogFromEnv)(),
  };
}
