/**
 * The provider port: sends one rendered message on one channel to one destination (in clear, for
 * the time of the call only). Adapters: Amazon SES (email) + Amazon SNS (SMS) in AWS
 * (`aws-provider.ts`), and the sandbox (`sandbox-provider.ts`), which records what it would send in
 * the NotificationsTable, masked. Adapters never log or throw the destination.
 */
import type { Locale } from '../domain/templates.ts';

/** One message to send. */
export interface OutgoingMessage {
  readonly notificationId: string;
  readonly customerId: string;
  readonly channel: 'email' | 'sms';
  /** In clear: an email address, or an E.164 phone number. Never logged, stored or put in errors. */
  readonly to: string;
  /** Masked, for whatever the adapter keeps. */
  readonly maskedTo: string;
  readonly locale: Locale;
  readonly subject: string;
  /** The email text, or the SMS text. */
  readonly body: string;
}

/** The provider port. */
export interface NotificationProvider {
  /** Recorded on the notification (`ses`, `sns`, `sandbox`). */
  providerFor(channel: OutgoingMessage['channel']): string;
  send(message: OutgoingMessage): Promise<{ readonly messageId: string }>;
}

/** A send the provider refused or failed (the provider's error name and HTTP status only). */
export class NotificationSendError extends Error {
  override readonly name = 'NotificationSendError';
  constructor(
    readonly provider: string,
    readonly code: string,
  ) {
    super(`${provider} send failed: ${code}`);
  }
}
