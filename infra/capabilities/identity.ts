/**
 * Sign-up (SEC-1, authorization by default): the customer pool's post-confirmation trigger puts
 * every confirmed customer in the `customer` group (functions/identity). The staff pool has no
 * trigger: administrators invite staff and assign their groups.
 *
 * The pool lives in the parent stack and the function in this nested stack, so the two must not
 * reference each other both ways (CloudFormation refuses the cycle pool → function → pool):
 *  - the function's grant names the ARN pattern of this account's user pools (built from pseudo
 *    parameters), not the pool's ARN;
 *  - the Lambda permission that lets Cognito invoke the function, bound to the pool's ARN, is
 *    created by `addTrigger` in the pool's scope (the parent stack), not the function's.
 */
import { Stack } from 'aws-cdk-lib';
import { UserPoolOperation } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../constructs/nag.ts';
import type { ServiceFunction } from '../constructs/service-function.ts';
import type { Platform } from '../platform.ts';

/** See the module documentation. */
export class CustomerSignUp extends Construct {
  readonly addNewCustomerToGroup: ServiceFunction;

  constructor(scope: Construct, id: string, platform: Platform) {
    super(scope, id);
    const pool = platform.identity.customerPool;
    const fn = platform.function(this, 'AddNewCustomerToGroupFunction', {
      entry: 'functions/identity/handlers/add-new-customer-to-group.ts',
      description: 'Cognito post-confirmation: puts each confirmed customer in the customer group (SEC-1)',
    });
    const { partition, region, account } = Stack.of(this);
    fn.allow(['cognito-idp:AdminAddUserToGroup'], [`arn:${partition}:cognito-idp:${region}:${account}:userpool/*`]);
    acknowledge(
      fn.role!,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:<AWS::Region>:<AWS::AccountId>:userpool/*]`,
      "AdminAddUserToGroup only, on this account's user pools: the customer pool's own ARN would make the pool (parent stack) and its trigger (this nested stack) reference each other, a cycle CloudFormation refuses. The function is invoked only by the customer pool (its Lambda permission names that pool) and adds only to the constant group customer.",
    );
    // The pool's LambdaConfig.PostConfirmation, and the permission for cognito-idp (bound to the
    // pool's ARN, in the pool's stack: the infra tests check both, and that the stacks form no cycle).
    // Through the live alias, like every other caller: CodeDeploy shifts it, a rollback moves it back.
    pool.addTrigger(UserPoolOperation.POST_CONFIRMATION, fn.live);
    this.addNewCustomerToGroup = fn;
  }
}
