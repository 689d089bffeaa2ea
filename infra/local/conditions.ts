/**
 * Template Conditions, locally: CloudFormation decides at deploy time which resources and outputs
 * a template creates (`Condition` on a resource or output) and which branch of an `Fn::If` applies.
 * The local cloud decides the same way, before it reads anything else: it evaluates every condition
 * (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`) over the values it knows — pseudo
 * parameters (the local region and account, the stack name), the template's parameters (as passed
 * by a parent stack, or their defaults) and literal strings — and returns the template CloudFormation
 * would create in that region: resources and outputs whose condition is false removed, every
 * `Fn::If` replaced by its chosen branch, `{ Ref: AWS::NoValue }` removed with its property, and no
 * Conditions left. A condition that depends on something only known after deployment (a resource's
 * attribute) cannot be decided locally: it stops the start with a message naming it.
 *
 * The CDK CLI adds one condition to every stack (`CDKMetadataAvailable`: is the region one where the
 * `AWS::CDK::Metadata` resource exists), which is why an assembly from `npx cdk synth` has them.
 */
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-protocol.ts';
import { UnsupportedTemplateError, type TemplateResource } from './template-model.ts';

export interface ConditionalTemplate {
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Condition?: string; [key: string]: unknown }>;
  Conditions?: Record<string, unknown>;
}

/** What a `Ref` inside a condition means: pseudo parameters, and the template's parameter values. */
export interface ConditionScope {
  stackName: string;
  /** Parameter name → the value passed to (or defaulted in) this template. */
  parameters: Record<string, unknown>;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Evaluates the template's conditions and returns it as CloudFormation would create it locally. */
export function applyConditions<T extends ConditionalTemplate>(template: T, scope: ConditionScope): Omit<T, 'Conditions'> {
  const definitions = template.Conditions ?? {};
  const { Conditions: _conditions, ...rest } = template;

  const results = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const condition = (name: string): boolean => {
    const known = results.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(definitions, name)) throw new UnsupportedTemplateError(`${scope.stackName}: condition ${name} is not defined`);
    if (evaluating.has(name)) throw new UnsupportedTemplateError(`${scope.stackName}: condition ${name} refers to itself`);
    evaluating.add(name);
    const value = truth(definitions[name], `condition ${name}`);
    evaluating.delete(name);
    results.set(name, value);
    return value;
  };

  /** A condition function's value (true/false). */
  const truth = (node: unknown, where: string): boolean => {
    const [fn, arg] = single(node, where);
    const list = (n: number | [number, number]) => {
      const [min, max] = typeof n === 'number' ? [n, n] : n;
      if (!Array.isArray(arg) || arg.length < min || arg.length > max)
        throw new UnsupportedTemplateError(`${scope.stackName}: ${where}: ${fn} takes ${min === max ? min : `${min} to ${max}`} arguments`);
      return arg as unknown[];
    };
    switch (fn) {
      case 'Fn::Equals': {
        const [a, b] = list(2);
        return scalar(a, where) === scalar(b, where);
      }
      case 'Fn::And':
        return list([2, 10]).every((c) => truth(c, where));
      case 'Fn::Or':
        return list([2, 10]).some((c) => truth(c, where));
      case 'Fn::Not':
        return !truth(list(1)[0], where);
      case 'Condition':
        return condition(String(arg));
      default:
        throw new UnsupportedTemplateError(`${scope.stackName}: ${where}: ${fn} is not a condition function`);
    }
  };

  /** A value compared by Fn::Equals: a literal, or a Ref to a pseudo parameter or a parameter. */
  const scalar = (node: unknown, where: string): string => {
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
    const [fn, arg] = single(node, where);
    if (fn === 'Ref') {
      const name = String(arg);
      const pseudo: Record<string, string> = {
        'AWS::Region': LOCAL_REGION,
        'AWS::AccountId': LOCAL_ACCOUNT,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': scope.stackName,
      };
      if (Object.hasOwn(pseudo, name)) return pseudo[name] as string;
      if (Object.hasOwn(scope.parameters, name)) {
        const value = scope.parameters[name];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
        throw new UnsupportedTemplateError(`${scope.stackName}: ${where} compares parameter ${name}, whose value (${JSON.stringify(value)}) is only known after deployment`);
      }
      throw new UnsupportedTemplateError(`${scope.stackName}: ${where} compares ${name}, which is only known after deployment`);
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => scalar(p, where)).join(separator);
    }
    throw new UnsupportedTemplateError(`${scope.stackName}: ${where}: ${fn} cannot be evaluated in a condition locally`);
  };

  /** Replaces Fn::If with its branch and drops AWS::NoValue, deep inside a value. */
  const choose = (value: unknown, where: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => choose(v, where)).filter((v) => v !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const node = value as Record<string, unknown>;
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === 'Fn::If') {
      const arg = node['Fn::If'];
      if (!Array.isArray(arg) || arg.length !== 3) throw new UnsupportedTemplateError(`${scope.stackName}: ${where}: Fn::If takes 3 arguments`);
      return choose(condition(String(arg[0])) ? arg[1] : arg[2], where);
    }
    if (keys.length === 1 && node.Ref === 'AWS::NoValue') return NO_VALUE;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const chosen = choose(node[key], where);
      if (chosen !== NO_VALUE) out[key] = chosen;
    }
    return out;
  };

  const resources: Record<string, TemplateResource> = {};
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Condition !== undefined && !condition(resource.Condition)) continue;
    const { Condition: _condition, ...kept } = resource;
    resources[id] = choose(kept, `resource ${id}`) as TemplateResource;
  }
  // A resource removed by its condition may only be named where that condition holds, as in
  // CloudFormation: DependsOn on a removed resource is dropped with it.
  for (const resource of Object.values(resources)) {
    if (resource.DependsOn === undefined) continue;
    const dependsOn = [resource.DependsOn].flat().filter((d) => Object.hasOwn(resources, d));
    resource.DependsOn = dependsOn.length > 0 ? dependsOn : undefined;
  }
  const result: Record<string, unknown> = { ...rest, Resources: resources };
  if (template.Outputs) {
    const outputs: NonNullable<ConditionalTemplate['Outputs']> = {};
    for (const [name, output] of Object.entries(template.Outputs)) {
      if (output.Condition !== undefined && !condition(output.Condition)) continue;
      const { Condition: _condition, ...kept } = output;
      outputs[name] = choose(kept, `output ${name}`) as (typeof outputs)[string];
    }
    result.Outputs = outputs;
  }
  return result as Omit<T, 'Conditions'>;
}

function single(node: unknown, where: string): [string, unknown] {
  if (!node || typeof node !== 'object' || Array.isArray(node) || Object.keys(node).length !== 1) {
    throw new UnsupportedTemplateError(`${where}: ${JSON.stringify(node)} is not an intrinsic function`);
  }
  const [entry] = Object.entries(node) as [[string, unknown]];
  return entry;
}
