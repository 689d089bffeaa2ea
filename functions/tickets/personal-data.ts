/**
 * Ticket text is free text that may hold personal data (SEC-2): subjects, messages, resolutions
 * and rating comments are encrypted with the kernel's field encryption before they are stored
 * (entity `ticket`, record id = the ticket id, one field per text — `message:<messageId>` for each
 * message, so a message cannot be moved onto another) and decrypted only to serve the ticket's
 * owner or an agent. Events and logs carry ids, categories and times only. Text is sealed under the
 * ticket's customer's own data key (SEC-3): once the customer is erased it reads as empty.
 */
import { FieldDecryptionError, FieldEncryptor, kmsKeyProvider } from '../../shared/field-encryption.ts';

/** The field-encryption entity kind of tickets (written out below, where the infra test of SEC-2 reads it). */
export const TICKET_ENTITY = 'ticket';

/** The field of a ticket's text. */
export type TicketTextField = 'subject' | 'resolution' | 'ratingComment' | `message:${string}`;

/** Seals and opens ticket text. */
export interface TicketCipher {
  /** Seals under the key of `customerId` (the ticket's customer; format v2) when given. */
  seal(ticketId: string, field: TicketTextField, text: string, customerId?: string): Promise<string>;
  open(ticketId: string, field: TicketTextField, stored: string): Promise<string>;
}

/** A {@link TicketCipher} over a field encryptor. */
export function ticketCipher(encryptor: Pick<FieldEncryptor, 'encrypt' | 'decrypt'>): TicketCipher {
  return {
    seal: (ticketId, field, text, customerId) =>
      encryptor.encrypt({ entity: 'ticket', recordId: ticketId, field, ...(customerId === undefined ? {} : { subject: customerId }) }, text),
    // An erased customer's text reads as empty (their keys are destroyed), never as an error.
    open: (ticketId, field, stored) =>
      encryptor.decrypt({ entity: 'ticket', recordId: ticketId, field }, stored).catch((error: unknown) => {
        if (error instanceof FieldDecryptionError && error.reason === 'erased') return '';
        throw error;
      }),
  };
}

let shared: TicketCipher | undefined;

/** The container's cipher (KMS key from `FIELD_ENCRYPTION_KEY_ID`). */
export function ticketCipherFromEnv(): TicketCipher {
  shared ??= ticketCipher(new FieldEncryptor({ kms: kmsKeyProvider() }));
  return shared;
}
