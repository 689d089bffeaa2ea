/**
 * Cognito post-confirmation trigger of the customer pool (SEC-1): a confirmed sign-up joins the
 * `customer` group. Logs only the trigger source and the pool id — never the event's user
 * attributes (email, phone) or client metadata. A failure is logged and rethrown: Cognito then
 * fails the confirmation and the user can retry it.
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { logger, metrics, MetricUnit, observedHandler } from '../../../shared/observability.ts';
import { addNewCustomerToGroup, type CustomerGroups } from '../add-new-customer-to-group.ts';
import { cognitoCustomerGroups } from '../customer-groups.ts';

/** Ports of the handler; each defaults to the real adapter. */
export interface AddNewCustomerToGroupHandlerPorts {
  readonly groups?: () => CustomerGroups;
}

/** Builds the handler with the given ports. */
export function makeAddNewCustomerToGroupHandler(ports: AddNewCustomerToGroupHandlerPorts = {}) {
  const base = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
    const context = { triggerSource: event.triggerSource, userPoolId: event.userPoolId };
    try {
      return await addNewCustomerToGroup(event, (ports.groups ?? cognitoCustomerGroups)(), (outcome) => {
        metrics.addMetric(outcome === 'added' ? 'NewCustomersAddedToGroup' : 'PostConfirmationsIgnored', MetricUnit.Count, 1);
        logger.info(outcome === 'added' ? 'new customer added to the customer group' : 'post-confirmation ignored', context);
      });
    } catch (error) {
      // The error's name only: an SDK message could echo the username.
      logger.error('adding a new customer to the customer group failed', { ...context, error: error instanceof Error ? error.name : 'unknown' });
      metrics.addMetric('NewCustomerGroupFailures', MetricUnit.Count, 1);
      throw error;
    }
  };
  return observedHandler(base);
}

/** The Lambda handler. */
export const handler = makeAddNewCustomerToGroupHandler();
