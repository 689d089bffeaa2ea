/**
 * The stage's provider (`NOTIFICATION_PROVIDER`, set per stage by infra/stage.ts): AWS (SES + SNS)
 * in prod, the sandbox in dev, the local cloud and tests.
 */
import { ConfigError } from '../../../shared/config.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { NotificationsRepository } from '../notifications-repository.ts';
import type { NotificationSettings } from '../settings.ts';
import { awsProvider } from './aws-provider.ts';
import type { NotificationProvider } from './provider.ts';
import { sandboxProvider } from './sandbox-provider.ts';

/** The provider `settings` name. */
export function configuredProvider(settings: NotificationSettings, repository: Pick<NotificationsRepository, 'putSandboxMessage'>, clock: Clock): NotificationProvider {
  if (settings.provider === 'sandbox') return sandboxProvider(repository, clock);
  if (!settings.sender) throw new ConfigError('NOTIFICATION_SENDER is not set: the aws notification provider needs a verified SES sender.');
  return awsProvider({ sender: settings.sender });
}
