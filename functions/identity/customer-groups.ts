/**
 * The Cognito adapter of {@link CustomerGroups}: `AdminAddUserToGroup` (the function's only grant).
 */
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { tracer } from '../../shared/observability.ts';
import type { CustomerGroups } from './add-new-customer-to-group.ts';

let containerClient: CognitoIdentityProviderClient | undefined;

/** Group membership through Cognito (one client per container unless `client` is given). */
export function cognitoCustomerGroups(client?: CognitoIdentityProviderClient): CustomerGroups {
  const cognito = () => client ?? (containerClient ??= tracer.captureAWSv3Client(new CognitoIdentityProviderClient({})));
  return {
    async addToGroup(poolId, username, group) {
      await cognito().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }));
    },
  };
}
