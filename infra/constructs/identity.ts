/**
 * Sign-in (SEC-1): two Cognito user pools whose groups are the roles of API.md.
 *  - customers: self sign-up by email, MFA optional; group `customer`.
 *  - staff: no self sign-up (an administrator invites), MFA required (TOTP); groups `ops`,
 *    `risk-analyst`, `cs-agent`, `analyst`, `marketer`, `content-reviewer`, `admin`.
 * API Gateway's authorizer accepts ID tokens of either pool; handlers check the groups (RBAC).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { AccountRecovery, CfnUserPoolGroup, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { acknowledge } from './nag.ts';
import { Construct } from 'constructs';
import { ROLES, STAFF_ROLES } from '../../shared/auth.ts';

export interface IdentityProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/** See the module documentation. */
export class Identity extends Construct {
  readonly customerPool: UserPool;
  readonly staffPool: UserPool;
  readonly storefrontClient: UserPoolClient;
  readonly staffConsoleClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const common = {
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.removalPolicy,
      deletionProtection: props.deletionProtection,
    };
    this.customerPool = new UserPool(this, 'CustomerPool', {
      ...common,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
    });
    this.staffPool = new UserPool(this, 'StaffPool', {
      ...common,
      selfSignUpEnabled: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
    });
    const groups = (pool: UserPool, roles: readonly string[], prefix: string) =>
      roles.forEach(
        (role, precedence) =>
          new CfnUserPoolGroup(this, `${prefix}${role.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Group`, {
            userPoolId: pool.userPoolId,
            groupName: role,
            precedence,
            description: `API role ${role}`,
          }),
      );
    groups(
      this.customerPool,
      ROLES.filter((r) => r === 'customer'),
      'Customer',
    );
    groups(this.staffPool, STAFF_ROLES, 'Staff');

    const client = {
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    };
    this.storefrontClient = this.customerPool.addClient('StorefrontClient', client);
    this.staffConsoleClient = this.staffPool.addClient('StaffConsoleClient', { ...client, refreshTokenValidity: Duration.hours(12) });

    acknowledge(this.customerPool, 'AwsSolutions-COG2', 'Customers choose whether to enrol TOTP MFA (optional); staff MFA is required in the staff pool.');
    acknowledge(
      [this.customerPool, this.staffPool],
      'AwsSolutions-COG3',
      'Threat protection needs the Cognito Plus feature plan (a per-user monthly cost); the README tells operators how to enable it. Password policy and MFA are enforced here.',
    );
    acknowledge(
      [this.customerPool, this.staffPool],
      'AwsSolutions-COG8',
      'The Plus feature plan is a per-user monthly cost decision for operators (README: Deploying); Essentials covers sign-in, groups and MFA.',
    );
  }
}
