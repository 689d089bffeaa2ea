/**
 * The sandbox provider (dev stage, the local cloud, tests): sends nothing; records each message it
 * would send — channel, masked destination, subject and text — in the NotificationsTable
 * (`SANDBOX#<notificationId>`), where `GET /admin/notifications` and tests find it.
 */
import type { Clock } from '../../../shared/clock.ts';
import type { NotificationsRepository } from '../notifications-repository.ts';
import type { NotificationProvider } from './provider.ts';

/** A sandbox provider that records into `repository`. */
export function sandboxProvider(repository: Pick<NotificationsRepository, 'putSandboxMessage'>, clock: Clock): NotificationProvider {
  return {
    providerFor: () => 'sandbox',
    async send(message) {
      await repository.putSandboxMessage({
        notificationId: message.notificationId,
        customerId: message.customerId,
        channel: message.channel,
        destination: message.maskedTo,
        subject: message.subject,
        body: message.body,
        sentAt: clock.now().toISOString(),
      });
      return { messageId: `sandbox-${message.notificationId}` };
    },
  };
}
