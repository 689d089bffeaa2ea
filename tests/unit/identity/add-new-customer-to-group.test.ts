/**
 * SEC-1, authorization by default: a confirmed customer sign-up joins the group `customer`, chosen
 * by the platform — never by the client (user attributes, client metadata) — and nothing else.
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { addNewCustomerToGroup, type CustomerGroups } from '../../../functions/identity/add-new-customer-to-group.ts';

const POOL = 'eu-west-1_AbCdEf123';
const SUB = '5b3c1a52-7f0e-4c9e-9a57-3a1d2f6b8c90';

function postConfirmation(
  triggerSource: PostConfirmationTriggerEvent['triggerSource'],
  extra: { userAttributes?: Record<string, string>; clientMetadata?: Record<string, string> } = {},
): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'eu-west-1',
    userPoolId: POOL,
    triggerSource,
    userName: SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'storefront-client' },
    request: {
      userAttributes: { sub: SUB, email: 'alice@example.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED', ...extra.userAttributes },
      ...(extra.clientMetadata ? { clientMetadata: extra.clientMetadata } : {}),
    },
    response: {},
  } as PostConfirmationTriggerEvent;
}

function recordingGroups(fail?: Error) {
  const addToGroup = vi.fn<CustomerGroups['addToGroup']>(async () => {
    if (fail) throw fail;
  });
  return { addToGroup } satisfies CustomerGroups;
}

describe('SEC-1: adding a new customer to the customer group (post-confirmation trigger)', () => {
  it("SEC-1: a confirmed sign-up adds the user to `customer` of the event's pool, once, and the event comes back unchanged", async () => {
    const event = postConfirmation('PostConfirmation_ConfirmSignUp');
    const before = structuredClone(event);
    const groups = recordingGroups();
    const returned = await addNewCustomerToGroup(event, groups);
    expect(groups.addToGroup).toHaveBeenCalledTimes(1);
    expect(groups.addToGroup).toHaveBeenCalledWith(POOL, SUB, 'customer');
    expect(returned).toBe(event);
    expect(returned).toEqual(before);
  });

  it.each([
    ['client metadata', { clientMetadata: { group: 'admin', role: 'admin' } }],
    ['a custom user attribute', { userAttributes: { 'custom:group': 'admin', 'custom:role': 'admin' } }],
    ['both', { clientMetadata: { group: 'ops' }, userAttributes: { 'custom:group': 'admin' } }],
  ])('SEC-1: a group the client asks for in %s is ignored — the group is always `customer`', async (_what, extra) => {
    const groups = recordingGroups();
    const event = postConfirmation('PostConfirmation_ConfirmSignUp', extra);
    const before = structuredClone(event);
    await expect(addNewCustomerToGroup(event, groups)).resolves.toEqual(before);
    expect(groups.addToGroup.mock.calls).toEqual([[POOL, SUB, 'customer']]);
  });

  it('SEC-1: a confirmed forgotten password (or any other trigger source) adds nothing and returns the event unchanged', async () => {
    for (const source of ['PostConfirmation_ConfirmForgotPassword', 'PostConfirmation_AdminConfirmSignUp'] as const) {
      const groups = recordingGroups();
      const event = postConfirmation(source as PostConfirmationTriggerEvent['triggerSource']);
      const before = structuredClone(event);
      await expect(addNewCustomerToGroup(event, groups)).resolves.toBe(event);
      expect(event).toEqual(before);
      expect(groups.addToGroup, source).not.toHaveBeenCalled();
    }
  });

  it('SEC-1: a failure to add rejects (Cognito then fails the confirmation and the user can retry)', async () => {
    const failure = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    const outcomes: string[] = [];
    await expect(addNewCustomerToGroup(postConfirmation('PostConfirmation_ConfirmSignUp'), recordingGroups(failure), (o) => outcomes.push(o))).rejects.toBe(failure);
    expect(outcomes).toEqual([]);
  });

  it("SEC-1: reports what it did (added / ignored) for the handler's log and metric", async () => {
    const outcomes: string[] = [];
    await addNewCustomerToGroup(postConfirmation('PostConfirmation_ConfirmSignUp'), recordingGroups(), (o) => outcomes.push(o));
    await addNewCustomerToGroup(postConfirmation('PostConfirmation_ConfirmForgotPassword'), recordingGroups(), (o) => outcomes.push(o));
    expect(outcomes).toEqual(['added', 'ignored']);
  });
});
