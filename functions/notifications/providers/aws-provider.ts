/**
 * The AWS provider: email through Amazon SES (v2 `SendEmail`, simple content, UTF-8, from the
 * stage's verified sender) and SMS through Amazon SNS (`Publish` to a phone number, SMS type
 * `Transactional`). Failures become a {@link NotificationSendError} with the SDK error's name and
 * HTTP status only — an SDK message may echo the destination.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '../../../shared/observability.ts';
import { NotificationSendError, type NotificationProvider } from './provider.ts';

/** The SDK clients the adapter uses (stubbed in tests). */
export interface AwsProviderClients {
  readonly ses: Pick<SESv2Client, 'send'>;
  readonly sns: Pick<SNSClient, 'send'>;
}

function sendError(provider: string, error: unknown): NotificationSendError {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof e?.name === 'string' && /^[A-Za-z]{1,64}$/.test(e.name) ? e.name : 'Error';
  const status = typeof e?.$metadata?.httpStatusCode === 'number' ? `/${e.$metadata.httpStatusCode}` : '';
  return new NotificationSendError(provider, `${name}${status}`);
}

/** Email via SES from `sender`, SMS via SNS. */
export function awsProvider(options: { readonly sender: string; readonly clients?: AwsProviderClients }): NotificationProvider {
  let clients = options.clients;
  const sdk = (): AwsProviderClients => (clients ??= { ses: tracer.captureAWSv3Client(new SESv2Client({})), sns: tracer.captureAWSv3Client(new SNSClient({})) });
  return {
    providerFor: (channel) => (channel === 'email' ? 'ses' : 'sns'),
    async send(message) {
      if (message.channel === 'email') {
        try {
          const out = await sdk().ses.send(
            new SendEmailCommand({
              FromEmailAddress: options.sender,
              Destination: { ToAddresses: [message.to] },
              Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.body, Charset: 'UTF-8' } } } },
              EmailTags: [{ Name: 'notification', Value: message.notificationId }],
            }),
          );
          if (!out.MessageId) throw new NotificationSendError('ses', 'NoMessageId');
          return { messageId: out.MessageId };
        } catch (error) {
          throw error instanceof NotificationSendError ? error : sendError('ses', error);
        }
      }
      try {
        const out = await sdk().sns.send(
          new PublishCommand({
            PhoneNumber: message.to,
            Message: message.body,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        if (!out.MessageId) throw new NotificationSendError('sns', 'NoMessageId');
        return { messageId: out.MessageId };
      } catch (error) {
        throw error instanceof NotificationSendError ? error : sendError('sns', error);
      }
    },
  };
}
