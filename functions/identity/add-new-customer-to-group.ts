/**
 * Use case (SEC-1, "authorization by default"): a customer who confirms their sign-up is put in the
 * `customer` group of the customer pool — by the platform, from Cognito's post-confirmation
 * trigger. The group is a constant: nothing the client sends (user attributes, client metadata)
 * chooses it. A confirmed forgotten password (or any other trigger source) changes nothing.
 *
 * Adding a user who is already in the group succeeds (Cognito's AdminAddUserToGroup is
 * idempotent), so a retried confirmation is harmless; a failure is thrown, which fails the
 * confirmation so the user can retry it. Cognito requires the event back: it is returned unchanged.
 *
 * Pure: the group membership goes through the {@link CustomerGroups} port (customer-groups.ts is
 * the Cognito adapter).
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';

/** The only group a self-signed-up customer ever gets (API.md's role `customer`). */
export const NEW_CUSTOMER_GROUP = 'customer';

/** The trigger source of a confirmed sign-up (the only one that adds to the group). */
export const CONFIRM_SIGN_UP = 'PostConfirmation_ConfirmSignUp';

/** Group membership in a user pool. */
export interface CustomerGroups {
  /** Adds `username` of pool `poolId` to `group`; succeeds if the user already is in it. */
  addToGroup(poolId: string, username: string, group: string): Promise<void>;
}

/** What happened, for the handler's log and metric (no personal data). */
export type NewCustomerOutcome = 'added' | 'ignored';

/** Handles one post-confirmation event; resolves with the event unchanged. */
export async function addNewCustomerToGroup(
  event: PostConfirmationTriggerEvent,
  groups: CustomerGroups,
  onOutcome: (outcome: NewCustomerOutcome) => void = () => {},
): Promise<PostConfirmationTriggerEvent> {
  if (event.triggerSource !== CONFIRM_SIGN_UP) {
    onOutcome('ignored');
    return event;
  }
  await groups.addToGroup(event.userPoolId, event.userName, NEW_CUSTOMER_GROUP);
  onOutcome('added');
  return event;
}
