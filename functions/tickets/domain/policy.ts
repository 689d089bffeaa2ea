/**
 * The clocks per ticket category (AFT-2), from the customer-service handbooks; overridable with
 * `TICKET_SLA_POLICIES` (settings.ts).
 *
 * | category | first response | resolution | source |
 * |---|---|---|---|
 * | every category | 20 minutes | | "first response within 20 minutes" |
 * | `complaint` | 20 minutes | 72 h | "every complaint answered within 48 h and resolved within 72 h" — the 20-minute first response is the stricter answer clock |
 * | `counterfeit-or-damage` | 20 minutes | 24 h | "counterfeit or damaged goods: a human within 24 h", resolved within 24 h |
 * | `enquiry`, `delivery`, `privacy` | 20 minutes | 72 h | no handbook figure: the complaint resolution clock |
 */
import type { SlaPolicy } from './sla.ts';
import type { TicketCategory } from './ticket.ts';

/** The handbook's first-response clock, for every category. */
export const FIRST_RESPONSE_MINUTES = 20;

/** The default policy of each category. */
export const DEFAULT_SLA_POLICIES: Readonly<Record<TicketCategory, SlaPolicy>> = {
  enquiry: { firstResponseMinutes: FIRST_RESPONSE_MINUTES, resolutionHours: 72 },
  complaint: { firstResponseMinutes: FIRST_RESPONSE_MINUTES, resolutionHours: 72 },
  'counterfeit-or-damage': { firstResponseMinutes: FIRST_RESPONSE_MINUTES, resolutionHours: 24 },
  privacy: { firstResponseMinutes: FIRST_RESPONSE_MINUTES, resolutionHours: 72 },
  delivery: { firstResponseMinutes: FIRST_RESPONSE_MINUTES, resolutionHours: 72 },
};
