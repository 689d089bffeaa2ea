/**
 * SEC-1: the post-confirmation handler returns Cognito its event, fails the confirmation on an
 * error, and logs only the trigger source and pool id — never the user's attributes or username.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { CustomerGroups } from '../../../functions/identity/add-new-customer-to-group.ts';
import { makeAddNewCustomerToGroupHandler } from '../../../functions/identity/handlers/add-new-customer-to-group.ts';
import { logger } from '../../../shared/observability.ts';
import { lambdaContext } from '../../support/http-events.ts';

const POOL = 'eu-west-1_AbCdEf123';
const SUB = '5b3c1a52-7f0e-4c9e-9a57-3a1d2f6b8c90';
const PERSONAL = [SUB, 'alice@example.com', '+8613800138000'];

const event = (triggerSource: PostConfirmationTriggerEvent['triggerSource']) =>
  ({
    version: '1',
    region: 'eu-west-1',
    userPoolId: POOL,
    triggerSource,
    userName: SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'storefront-client' },
    request: { userAttributes: { sub: SUB, email: 'alice@example.com', phone_number: '+8613800138000' }, clientMetadata: { group: 'admin' } },
    response: {},
  }) as PostConfirmationTriggerEvent;

function logged() {
  const info = vi.spyOn(logger, 'info');
  const error = vi.spyOn(logger, 'error');
  return () => {
    const text = JSON.stringify([...info.mock.calls, ...error.mock.calls]);
    info.mockRestore();
    error.mockRestore();
    return text;
  };
}

describe('SEC-1: AddNewCustomerToGroupFunction (handler)', () => {
  it('SEC-1: adds the confirmed user to `customer`, returns the event, and logs the trigger source and pool id only', async () => {
    const calls: unknown[][] = [];
    const groups: CustomerGroups = { addToGroup: async (...args) => void calls.push(args) };
    const logs = logged();
    const input = event('PostConfirmation_ConfirmSignUp');
    const result = await makeAddNewCustomerToGroupHandler({ groups: () => groups })(input, lambdaContext());
    const text = logs();
    expect(result).toEqual(event('PostConfirmation_ConfirmSignUp'));
    expect(calls).toEqual([[POOL, SUB, 'customer']]);
    expect(text).toContain('PostConfirmation_ConfirmSignUp');
    expect(text).toContain(POOL);
    for (const value of PERSONAL) expect(text).not.toContain(value);
  });

  it('SEC-1: a failure is rethrown (the confirmation fails, the user retries) and logged without personal data', async () => {
    const failure = Object.assign(new Error(`User ${SUB} does not exist`), { name: 'UserNotFoundException' });
    const logs = logged();
    await expect(
      makeAddNewCustomerToGroupHandler({ groups: () => ({ addToGroup: async () => Promise.reject(failure) }) })(event('PostConfirmation_ConfirmSignUp'), lambdaContext()),
    ).rejects.toBe(failure);
    const text = logs();
    expect(text).toContain('UserNotFoundException');
    for (const value of PERSONAL) expect(text).not.toContain(value);
  });

  it('SEC-1: a confirmed forgotten password changes no group', async () => {
    const addToGroup = vi.fn(async () => {});
    const input = event('PostConfirmation_ConfirmForgotPassword');
    await expect(makeAddNewCustomerToGroupHandler({ groups: () => ({ addToGroup }) })(input, lambdaContext())).resolves.toEqual(input);
    expect(addToGroup).not.toHaveBeenCalled();
  });
});
