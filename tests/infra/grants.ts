/** Reads each function's IAM grants out of a template as readable `action → resource` strings. */
import type { Synthesized } from './synth.ts';

/** Renders a policy Resource (Ref, GetAtt, Join of those) as a short readable name. */
export function renderResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  if (Array.isArray(v['Fn::GetAtt'])) return `${(v['Fn::GetAtt'] as string[])[0]}.${(v['Fn::GetAtt'] as string[])[1]}`.replace(/\.Arn$/, '');
  if (Array.isArray(v['Fn::Join'])) return ((v['Fn::Join'] as [string, unknown[]])[1]).map(renderResource).join((v['Fn::Join'] as [string])[0]);
  return JSON.stringify(value);
}

/** `{ functionLogicalId: ['dynamodb:GetItem → CatalogTable', …] }`, sorted, from the functions' role policies. */
export function grantsByFunction(json: Synthesized['json']): Record<string, string[]> {
  const roleOfFunction = new Map<string, string>();
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const role = (r.Properties?.Role as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[0];
    if (role) roleOfFunction.set(role, id);
  }
  const grants: Record<string, Set<string>> = {};
  type Statement = { Action: string | string[]; Resource: unknown };
  const policies: Array<{ roles: string[]; statements: Statement[] }> = [];
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      policies.push({ roles: (r.Properties?.Roles as Array<{ Ref: string }>).map((x) => x.Ref), statements: (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement });
    } else if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? []) policies.push({ roles: [id], statements: p.PolicyDocument.Statement });
    }
  }
  for (const { roles, statements } of policies) {
    for (const role of roles) {
      const fn = roleOfFunction.get(role);
      if (!fn) continue;
      for (const s of statements) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        for (const a of actions) for (const res of resources) (grants[fn] ??= new Set()).add(`${a} → ${renderResource(res)}`);
      }
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([fn, set]) => [fn, [...set].sort()]));
}
