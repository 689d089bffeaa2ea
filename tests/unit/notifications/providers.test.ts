/**
 * ORD-6, AFT-1, AFT-2: the provider adapters against stubbed SDK clients — email through SES v2
 * SendEmail from the stage's sender (UTF-8 subject and text), SMS through SNS Publish to the E.164
 * number as a transactional SMS; failures become errors that name the provider and the SDK error,
 * never the destination; the stage picks the adapter (aws needs a sender).
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it, vi } from 'vitest';
import { awsProvider } from '../../../functions/notifications/providers/aws-provider.ts';
import { configuredProvider } from '../../../functions/notifications/providers/configured-provider.ts';
import { NotificationSendError, type OutgoingMessage } from '../../../functions/notifications/providers/provider.ts';
import { notificationSettings } from '../../../functions/notifications/settings.ts';
import { ConfigError } from '../../../shared/config.ts';
import { manualClock } from '../../../shared/clock.ts';

const email: OutgoingMessage = {
  notificationId: '01JD7ZKD31V8Q4N6M5R9T0W1YG',
  customerId: 'alice',
  channel: 'email',
  to: 'li.hua@example.cn',
  maskedTo: 'l***@example.cn',
  locale: 'zh-CN',
  subject: '订单已提交：X',
  body: '您的订单 X 已提交',
};
const sms: OutgoingMessage = { ...email, channel: 'sms', to: '+8613800138000', maskedTo: '138****8000', body: '订单X已发货' };

function stubs() {
  const ses = { send: vi.fn(async (_command: unknown) => ({ MessageId: 'ses-1' })) };
  const sns = { send: vi.fn(async (_command: unknown) => ({ MessageId: 'sns-1' })) };
  return { ses, sns, provider: awsProvider({ sender: 'no-reply@shop.example.com', clients: { ses: ses as never, sns: sns as never } }) };
}

describe('AWS provider', () => {
  it('sends email through SES v2 SendEmail from the sender', async () => {
    const { ses, sns, provider } = stubs();
    expect(await provider.send(email)).toEqual({ messageId: 'ses-1' });
    expect(provider.providerFor('email')).toBe('ses');
    expect(sns.send).not.toHaveBeenCalled();
    const command = ses.send.mock.calls[0]?.[0] as SendEmailCommand;
    expect(command).toBeInstanceOf(SendEmailCommand);
    expect(command.input).toEqual({
      FromEmailAddress: 'no-reply@shop.example.com',
      Destination: { ToAddresses: ['li.hua@example.cn'] },
      Content: { Simple: { Subject: { Data: '订单已提交：X', Charset: 'UTF-8' }, Body: { Text: { Data: '您的订单 X 已提交', Charset: 'UTF-8' } } } },
      EmailTags: [{ Name: 'notification', Value: email.notificationId }],
    });
  });

  it('sends SMS through SNS Publish to the phone number, as a transactional SMS', async () => {
    const { ses, sns, provider } = stubs();
    expect(await provider.send(sms)).toEqual({ messageId: 'sns-1' });
    expect(provider.providerFor('sms')).toBe('sns');
    expect(ses.send).not.toHaveBeenCalled();
    const command = sns.send.mock.calls[0]?.[0] as PublishCommand;
    expect(command).toBeInstanceOf(PublishCommand);
    expect(command.input).toEqual({
      PhoneNumber: '+8613800138000',
      Message: '订单X已发货',
      MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
    });
  });

  it('a failed send names the provider and the SDK error, never the destination', async () => {
    const { ses, sns, provider } = stubs();
    ses.send.mockRejectedValueOnce(Object.assign(new Error(`Email address is not verified: ${email.to}`), { name: 'MessageRejected', $metadata: { httpStatusCode: 400 } }));
    sns.send.mockRejectedValueOnce(Object.assign(new Error(`Invalid parameter: PhoneNumber ${sms.to}`), { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } }));
    const emailError = await provider.send(email).catch((e: unknown) => e as NotificationSendError);
    const smsError = await provider.send(sms).catch((e: unknown) => e as NotificationSendError);
    expect(emailError).toBeInstanceOf(NotificationSendError);
    expect(emailError).toMatchObject({ provider: 'ses', code: 'MessageRejected/400' });
    expect(smsError).toMatchObject({ provider: 'sns', code: 'InvalidParameterException/400' });
    for (const e of [emailError, smsError]) {
      const text = `${(e as Error).message} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`;
      expect(text).not.toContain(email.to);
      expect(text).not.toContain('13800138000');
    }
  });

  it('a response without a message id is a failure', async () => {
    const { ses, provider } = stubs();
    ses.send.mockResolvedValueOnce({} as never);
    await expect(provider.send(email)).rejects.toMatchObject({ provider: 'ses', code: 'NoMessageId' });
  });
});

describe('the stage’s provider', () => {
  const repository = { putSandboxMessage: vi.fn(async () => undefined) };
  it('sandbox records the masked message instead of sending', async () => {
    const provider = configuredProvider(notificationSettings({ NOTIFICATION_PROVIDER: 'sandbox' }), repository, manualClock('2026-12-01T00:00:00.000Z'));
    expect(await provider.send(email)).toEqual({ messageId: `sandbox-${email.notificationId}` });
    expect(repository.putSandboxMessage).toHaveBeenCalledWith({
      notificationId: email.notificationId,
      customerId: 'alice',
      channel: 'email',
      destination: 'l***@example.cn',
      subject: email.subject,
      body: email.body,
      sentAt: '2026-12-01T00:00:00.000Z',
    });
    expect(JSON.stringify(repository.putSandboxMessage.mock.calls)).not.toContain(email.to);
  });

  it('aws needs a sender; the default is the sandbox', () => {
    expect(() => configuredProvider(notificationSettings({ NOTIFICATION_PROVIDER: 'aws' }), repository, manualClock())).toThrow(ConfigError);
    expect(
      configuredProvider(notificationSettings({ NOTIFICATION_PROVIDER: 'aws', NOTIFICATION_SENDER: 'no-reply@shop.example.com' }), repository, manualClock()).providerFor('email'),
    ).toBe('ses');
    expect(notificationSettings({}).provider).toBe('sandbox');
    expect(() => notificationSettings({ NOTIFICATION_PROVIDER: 'smtp' })).toThrow(ConfigError);
  });
});
