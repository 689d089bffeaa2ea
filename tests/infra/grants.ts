/** Reads each function's IAM grants out of a template as readable `action → resource` strings. */
import { deployTimeProviders, type StackTemplate } from '../../infra/local/template.ts';
import type { Synthesized } from './synth.ts';

/** Renders a policy Resource (Ref, GetAtt, Join of those) as a short readable name. */
export function renderResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::GetAtt'])) return `${(v['Fn::GetAtt'] as string[])[0]}.${(v['Fn::GetAtt'] as string[])[1]}`.replace(/\.Arn$/, '');
  if (Array.isArray(v['Fn::Join'])) return (v['Fn::Join'] as [string, unknown[]])[1].map(renderResource).join((v['Fn::Join'] as [string])[0]);
  return JSON.stringify(value);
}

/**
 * Renders a statement's Condition block as ` if StringEquals events:source=commerce.catalog; …`
 * (operators and keys sorted, several values joined by `|`), or `''` without one: a grant's
 * conditions are part of what is asserted, so a grant that loses one no longer matches.
 */
export function renderCondition(condition: unknown): string {
  if (!condition || typeof condition !== 'object') return '';
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [key, value] of Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))) {
      parts.push(
        `${operator} ${key}=${[value]
          .flat()
          .map((v) => (typeof v === 'string' ? v : renderResource(v)))
          .join('|')}`,
      );
    }
  }
  return parts.length > 0 ? ` if ${parts.join('; ')}` : '';
}

/** `{ functionLogicalId: ['dynamodb:GetItem → CatalogTable', …] }`, sorted, from the functions' role policies (conditions rendered by {@link renderCondition}). */
export function grantsByFunction(json: Synthesized['json'], options: { includeProviders?: boolean } = {}): Record<string, string[]> {
  const roleOfFunction = new Map<string, string>();
  // Deploy-time custom-resource providers have their own pinned grants (tests/infra/console.test.ts).
  const providers = options.includeProviders ? new Set<string>() : deployTimeProviders(json as Pick<StackTemplate, 'Resources'>);
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function' || providers.has(id)) continue;
    const role = (r.Properties?.Role as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[0];
    if (role) roleOfFunction.set(role, id);
  }
  const grants: Record<string, Set<string>> = {};
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
  const policies: Array<{ roles: string[]; statements: Statement[] }> = [];
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      policies.push({
        roles: (r.Properties?.Roles as Array<{ Ref: string }>).map((x) => x.Ref),
        statements: (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
      });
    } else if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? [])
        policies.push({ roles: [id], statements: p.PolicyDocument.Statement });
    }
  }
  for (const { roles, statements } of policies) {
    for (const role of roles) {
      const fn = roleOfFunction.get(role);
      if (!fn) continue;
      for (const s of statements) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        for (const a of actions) for (const res of resources) (grants[fn] ??= new Set()).add(`${a} → ${renderResource(res)}${renderCondition(s.Condition)}`);
      }
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([fn, set]) => [fn, [...set].sort()]));
}

/** KMS operations that produce or open data keys (or encrypt with the key): each must be bound to an encryption context. */
const KMS_DATA_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/** The identity-based policy statements of a template (managed, standalone and inline role policies), with where each is. */
export function policyStatements(
  json: Synthesized['json'],
): Array<{ where: string; statement: { Effect?: string; Action?: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> } }> {
  type Doc = { Statement: Array<Record<string, unknown>> };
  const out: ReturnType<typeof policyStatements> = [];
  for (const [id, r] of Object.entries(json.Resources)) {
    const docs: Doc[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument as Doc);
    if (r.Type === 'AWS::IAM::Role') for (const p of (r.Properties?.Policies as Array<{ PolicyDocument: Doc }> | undefined) ?? []) docs.push(p.PolicyDocument);
    for (const doc of docs) for (const statement of doc?.Statement ?? []) out.push({ where: id, statement: statement as ReturnType<typeof policyStatements>[number]['statement'] });
  }
  return out;
}

/**
 * Grants that are broader than the house allows (RISK-7 insider risk, SEC-2), as readable lines:
 * an `events:PutEvents` without a `StringEquals` `events:source` naming exact `commerce.*`
 * sources, or a KMS data-key operation without `StringEquals` conditions on the data keys'
 * encryption context (`kms:EncryptionContext:purpose` = field-encryption and
 * `kms:EncryptionContext:entity` = named entity kinds). Empty when every grant is conditioned.
 */
export function unconditionedGrants(json: Synthesized['json']): string[] {
  const problems: string[] = [];
  const exact = (values: unknown, pattern: RegExp) => {
    const list = [values].flat();
    return list.length > 0 && list.every((v) => typeof v === 'string' && pattern.test(v));
  };
  for (const { where, statement } of policyStatements(json)) {
    if (statement.Effect !== 'Allow') continue;
    const actions = [statement.Action ?? []].flat();
    const equals = statement.Condition?.StringEquals ?? {};
    const resources = [statement.Resource].flat().map(renderResource).join(', ');
    if (actions.includes('events:PutEvents') && !exact(equals['events:source'], /^commerce\.[a-z-]+$/)) {
      problems.push(`${where}: events:PutEvents → ${resources} without an events:source condition`);
    }
    const kms = actions.filter((a) => KMS_DATA_ACTIONS.includes(a));
    if (kms.length > 0 && !(exact(equals['kms:EncryptionContext:entity'], /^[a-z][a-z0-9-]*$/) && exact(equals['kms:EncryptionContext:purpose'], /^field-encryption$/))) {
      problems.push(`${where}: ${kms.join(', ')} → ${resources} without kms:EncryptionContext:purpose/entity conditions`);
    }
  }
  return problems;
}
