/**
 * SEC-1: the customer pool's post-confirmation trigger may only add users to groups — on this
 * account's user pools by ARN pattern (the pool's own ARN would make the parent and nested stacks
 * reference each other); never remove, read or change users.
 */
export const identityGrants: Record<string, string[]> = {
  AddNewCustomerToGroupFunction: ['cognito-idp:AdminAddUserToGroup → arn:AWS::Partition:cognito-idp:AWS::Region:AWS::AccountId:userpool/*'],
};
