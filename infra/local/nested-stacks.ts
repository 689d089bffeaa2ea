/**
 * Nested stacks, locally: CDK puts each capability (and the API) in a nested stack
 * (`AWS::CloudFormation::Stack` whose template is an asset of the cloud assembly), and wires
 * references between stacks as nested-stack Parameters and Outputs. The local cloud runs the whole
 * tree as ONE template: this module merges every nested template into its parent, replacing
 * `{ Ref: <parameter> }` inside a nested template with the expression the parent passes, and
 * `{ Fn::GetAtt: [<nested stack>, 'Outputs.<name>'] }` with the nested output's value. Logical ids
 * must be unique across the tree (a collision stops the start with a message naming it). Each
 * template's Conditions are decided first (conditions.ts), so the merged template has none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyConditions } from './conditions.ts';
import { UnsupportedTemplateError, type StackTemplate, type TemplateResource } from './template-model.ts';

interface NestedTemplate {
  Resources?: Record<string, TemplateResource>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
  Conditions?: Record<string, unknown>;
}

/** Replaces, deep inside `value`, every node `replace` returns a value for. */
function rewrite(value: unknown, replace: (node: Record<string, unknown>) => unknown | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, replace));
  if (value && typeof value === 'object') {
    const replaced = replace(value as Record<string, unknown>);
    if (replaced !== undefined) return replaced;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, replace)]));
  }
  return value;
}

/** The stack with every nested stack (recursively) merged into it. */
export function flattenNestedStacks(stack: StackTemplate, assemblyDir: string): StackTemplate {
  const resources: Record<string, TemplateResource> = {};
  const outputs = new Map<string, Record<string, unknown>>(); // nested stack logical id → output name → value
  const origin = new Map<string, string>(); // logical id → where it came from, for collision messages

  const add = (id: string, resource: TemplateResource, from: string) => {
    if (resources[id])
      throw new UnsupportedTemplateError(`logical id ${id} appears in both ${origin.get(id)} and ${from}; the local cloud merges nested stacks and needs unique logical ids`);
    resources[id] = resource;
    origin.set(id, from);
  };

  const visit = (conditional: NestedTemplate, name: string, parameters: Record<string, unknown>) => {
    // Each template's conditions are decided with its own parameters, as CloudFormation does.
    const template: NestedTemplate = applyConditions(conditional, { stackName: name, parameters });
    const substitute = (value: unknown) => rewrite(value, (node) => (typeof node.Ref === 'string' && Object.hasOwn(parameters, node.Ref) ? parameters[node.Ref] : undefined));
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') {
        // The CDK CLI's version-reporting resource is in every stack under the same id; nothing
        // refers to it, so it is kept under the id of the stack it came from.
        const unique = resource.Type === 'AWS::CDK::Metadata' && name !== stack.stackName ? `${name}${id}` : id;
        add(unique, substitute(resource) as TemplateResource, name);
        continue;
      }
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new UnsupportedTemplateError(`nested stack ${id}: no local template (aws:asset:path metadata)`);
      const nested = JSON.parse(fs.readFileSync(path.join(assemblyDir, assetPath), 'utf8')) as NestedTemplate;
      const passed = substitute((resource.Properties?.Parameters ?? {}) as Record<string, unknown>) as Record<string, unknown>;
      for (const [param, spec] of Object.entries(nested.Parameters ?? {})) {
        if (!Object.hasOwn(passed, param) && spec.Default !== undefined) passed[param] = spec.Default;
        if (!Object.hasOwn(passed, param)) throw new UnsupportedTemplateError(`nested stack ${id}: parameter ${param} has no value`);
      }
      visit(nested, id, passed);
      const values: Record<string, unknown> = {};
      for (const [output, spec] of Object.entries(nested.Outputs ?? {}))
        values[output] = rewrite(spec.Value, (node) => (typeof node.Ref === 'string' && Object.hasOwn(passed, node.Ref) ? passed[node.Ref] : undefined));
      outputs.set(id, values);
    }
  };
  const rootParameters = Object.fromEntries(
    Object.entries(stack.Parameters ?? {})
      .filter(([, spec]) => spec.Default !== undefined)
      .map(([param, spec]) => [param, spec.Default]),
  );
  visit(stack, stack.stackName, rootParameters);

  // Nested outputs used elsewhere (by the parent, or passed on to another nested stack).
  const resolveOutputs = (value: unknown): unknown =>
    rewrite(value, (node) => {
      const getAtt = node['Fn::GetAtt'];
      if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string' || !outputs.has(getAtt[0])) return undefined;
      const name = String(getAtt[1]).replace(/^Outputs\./, '');
      const values = outputs.get(getAtt[0]) as Record<string, unknown>;
      if (!Object.hasOwn(values, name)) throw new UnsupportedTemplateError(`nested stack ${getAtt[0]} has no output ${name}`);
      return resolveOutputs(values[name]);
    });
  const nestedIds = new Set(outputs.keys());
  for (const [id, resource] of Object.entries(resources)) {
    const resolved = resolveOutputs(resource) as TemplateResource;
    if (resolved.DependsOn) {
      const dependsOn = [resolved.DependsOn].flat().filter((d) => !nestedIds.has(d));
      resolved.DependsOn = dependsOn.length > 0 ? dependsOn : undefined;
    }
    resources[id] = resolved;
  }
  const { Conditions: _decided, ...root } = stack;
  const rootOutputs = applyConditions({ Outputs: stack.Outputs, Conditions: stack.Conditions }, { stackName: stack.stackName, parameters: rootParameters }).Outputs;
  return { ...root, Resources: resources, Outputs: resolveOutputs(rootOutputs) as StackTemplate['Outputs'] };
}
