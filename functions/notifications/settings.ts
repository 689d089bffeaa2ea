/**
 * Notification settings, validated once per container:
 *
 * | variable | default | what |
 * |---|---|---|
 * | `NOTIFICATIONS_TABLE_NAME` | — (set by the stack) | the NotificationsTable |
 * | `NOTIFICATION_PROVIDER` | `sandbox` | `aws` (email through Amazon SES, SMS through Amazon SNS) or `sandbox` (records what it would send in the NotificationsTable); per stage, infra/stage.ts — prod `aws`, dev `sandbox` |
 * | `NOTIFICATION_SENDER` | — (required with `aws`) | the From address of emails, on an SES-verified identity (stage setting `notifications.sender`) |
 * | `STOREFRONT_URL` | `https://shop.example.com` | the base of the links in messages |
 * | `NOTIFICATION_CLAIM_SECONDS` | 120 | how long a delivery holds a pending notification before another delivery may send it |
 */
import * as z from '../../shared/zod.ts';
import { ConfigError, defineSettings, intSetting } from '../../shared/config.ts';

/** The provider adapters. */
export const NOTIFICATION_PROVIDERS = ['aws', 'sandbox'] as const;
export type NotificationProviderName = (typeof NOTIFICATION_PROVIDERS)[number];

export const notificationSettings = /* @__PURE__ */ defineSettings(
  'notifications',
  () => ({
    NOTIFICATIONS_TABLE_NAME: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
    NOTIFICATION_PROVIDER: z._default(z.enum(NOTIFICATION_PROVIDERS), 'sandbox'),
    NOTIFICATION_SENDER: z.optional(z.email().check(z.maxLength(254))),
    STOREFRONT_URL: z._default(z.url().check(z.maxLength(200)), 'https://shop.example.com'),
    NOTIFICATION_CLAIM_SECONDS: z._default(intSetting(10, 3600), 120),
  }),
  (env) => ({
    tableName: env.NOTIFICATIONS_TABLE_NAME,
    provider: env.NOTIFICATION_PROVIDER,
    sender: env.NOTIFICATION_SENDER,
    storefrontUrl: env.STOREFRONT_URL,
    claimSeconds: env.NOTIFICATION_CLAIM_SECONDS,
  }),
);

export type NotificationSettings = ReturnType<typeof notificationSettings>;

/** The NotificationsTable's name; a ConfigError naming the variable when it is not set. */
export function notificationsTableName(settings: NotificationSettings = notificationSettings()): string {
  if (!settings.tableName) throw new ConfigError('NOTIFICATIONS_TABLE_NAME is not set: this function needs it (the NotificationsTable).');
  return settings.tableName;
}
