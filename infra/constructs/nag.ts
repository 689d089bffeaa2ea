/**
 * cdk-nag acknowledgements (cdk-nag 3 uses CDK's native `Validations`): each names the narrowest
 * finding (rule id, and the finding in brackets where a rule reports several) and why it is
 * acceptable here. Acknowledgements are recorded in the construct metadata and the infra tests
 * list them.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges finding `id` (e.g. `AwsSolutions-IAM5[Resource::*]`) on `construct` and below. */
export function acknowledge(construct: IConstruct | readonly IConstruct[], id: string, reason: string): void {
  for (const c of Array.isArray(construct) ? construct : [construct]) Validations.of(c as IConstruct).acknowledge({ id, reason });
}
