/**
 * The next-best thing to `cdk deploy`, which cannot run without an AWS account: checks that a cloud
 * assembly written by `npx cdk synth` is complete for deployment, and returns every problem found
 * (an empty list means deployable as far as can be known offline):
 * - every asset its asset manifests name (bundles, nested stack templates) exists in the assembly;
 * - every template is within CloudFormation's limits (1 MB template body from S3, 500 resources,
 *   200 parameters, outputs and mappings, logical ids of at most 255 letters and digits);
 * - every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn and Condition names something the template
 *   defines (or a pseudo parameter);
 * - every parameter can be resolved: a nested stack's parameters are each passed by its parent (or
 *   defaulted), the parent passes none that the nested template does not declare, and the top-level
 *   template's parameters all have defaults (`cdk deploy` passes none);
 * - every Lambda function's code is an asset of the assembly.
 */
import fs from 'node:fs';
import path from 'node:path';

/** CloudFormation quotas (AWS CloudFormation User Guide, "Understand CloudFormation quotas"). */
export const CLOUDFORMATION_LIMITS = { templateBytes: 1_048_576, resources: 500, parameters: 200, outputs: 200, mappings: 200, logicalIdLength: 255 } as const;

interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[]; Condition?: string; Metadata?: Record<string, unknown> }>;
  Parameters?: Record<string, { Default?: unknown }>;
  Outputs?: Record<string, { Value: unknown; Condition?: string }>;
  Mappings?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string; packaging?: string } }>;
  dockerImages?: Record<string, unknown>;
}

export interface AssemblySummary {
  problems: string[];
  templates: Array<{ file: string; bytes: number; resources: number }>;
  assets: number;
}

export function checkDeployableAssembly(assemblyDir: string): AssemblySummary {
  const problems: string[] = [];
  const templates: AssemblySummary['templates'] = [];
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string; file?: string } }>;
  };
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const stacks = artifacts.filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length === 0) problems.push('the assembly has no stack');

  // Assets: every file an asset manifest lists must be in the assembly.
  const assetHashes = new Set<string>();
  for (const [id, artifact] of artifacts.filter(([, a]) => a.type === 'cdk:asset-manifest')) {
    const file = artifact.properties?.file;
    if (!file || !fs.existsSync(path.join(assemblyDir, file))) {
      problems.push(`asset manifest ${id}: ${file ?? '(no file)'} is missing`);
      continue;
    }
    const assets = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8')) as AssetManifest;
    if (Object.keys(assets.dockerImages ?? {}).length > 0) problems.push(`asset manifest ${file}: Docker image assets need a Docker engine to publish`);
    for (const [hash, asset] of Object.entries(assets.files ?? {})) {
      assetHashes.add(hash);
      const source = asset.source.path ? path.join(assemblyDir, asset.source.path) : undefined;
      if (!source || !fs.existsSync(source)) problems.push(`asset ${hash}: ${asset.source.path ?? '(no path)'} is missing from the assembly`);
      else if (asset.source.packaging === 'zip' && fs.readdirSync(source).length === 0) problems.push(`asset ${hash}: directory ${asset.source.path} is empty`);
    }
  }

  const readTemplate = (file: string): Template | undefined => {
    const full = path.join(assemblyDir, file);
    if (!fs.existsSync(full)) {
      problems.push(`template ${file} is missing`);
      return undefined;
    }
    const bytes = fs.statSync(full).size;
    const template = JSON.parse(fs.readFileSync(full, 'utf8')) as Template;
    templates.push({ file, bytes, resources: Object.keys(template.Resources ?? {}).length });
    checkTemplate(file, template, bytes, problems, assetHashes);
    return template;
  };

  const visit = (file: string, passed: Record<string, unknown> | undefined) => {
    const template = readTemplate(file);
    if (!template) return;
    const declared = template.Parameters ?? {};
    for (const [name, spec] of Object.entries(declared)) {
      const given = passed !== undefined && Object.hasOwn(passed, name);
      if (!given && spec.Default === undefined)
        problems.push(
          `${file}: parameter ${name} has no value (${passed === undefined ? 'a top-level parameter needs a default: cdk deploy passes none' : 'its parent does not pass it'})`,
        );
    }
    for (const name of Object.keys(passed ?? {})) {
      if (!Object.hasOwn(declared, name)) problems.push(`${file}: its parent passes parameter ${name}, which it does not declare`);
    }
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const nested = resource.Metadata?.['aws:asset:path'];
      if (typeof nested !== 'string') {
        problems.push(`${file}: nested stack ${id} has no template in the assembly`);
        continue;
      }
      visit(nested, (resource.Properties?.Parameters ?? {}) as Record<string, unknown>);
    }
  };
  for (const [, stack] of stacks) {
    if (stack.properties?.templateFile) visit(stack.properties.templateFile, undefined);
  }
  return { problems, templates, assets: assetHashes.size };
}

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

function checkTemplate(file: string, template: Template, bytes: number, problems: string[], assetHashes: Set<string>): void {
  const limits = CLOUDFORMATION_LIMITS;
  const count = (section: Record<string, unknown> | undefined) => Object.keys(section ?? {}).length;
  if (bytes > limits.templateBytes) problems.push(`${file}: ${bytes} bytes, above CloudFormation's ${limits.templateBytes}`);
  if (count(template.Resources) > limits.resources) problems.push(`${file}: ${count(template.Resources)} resources, above ${limits.resources}`);
  if (count(template.Resources) === 0) problems.push(`${file}: no resources`);
  if (count(template.Parameters) > limits.parameters) problems.push(`${file}: ${count(template.Parameters)} parameters, above ${limits.parameters}`);
  if (count(template.Outputs) > limits.outputs) problems.push(`${file}: ${count(template.Outputs)} outputs, above ${limits.outputs}`);
  if (count(template.Mappings) > limits.mappings) problems.push(`${file}: ${count(template.Mappings)} mappings, above ${limits.mappings}`);

  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  for (const id of [...Object.keys(resources), ...Object.keys(parameters), ...Object.keys(template.Outputs ?? {})]) {
    if (!/^[A-Za-z0-9]+$/.test(id) || id.length > limits.logicalIdLength) problems.push(`${file}: logical id ${id} is not 1–255 letters and digits`);
  }
  const known = (name: string) => Object.hasOwn(resources, name) || Object.hasOwn(parameters, name) || PSEUDO.has(name);
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, where));
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string' && !known(node.Ref)) problems.push(`${file}: ${where} refers to ${node.Ref}, which the template does not define`);
    const getAtt = node['Fn::GetAtt'];
    if (getAtt !== undefined) {
      const target = Array.isArray(getAtt) ? getAtt[0] : String(getAtt).split('.')[0];
      if (typeof target !== 'string' || !Object.hasOwn(resources, target))
        problems.push(`${file}: ${where} reads an attribute of ${String(target)}, which the template does not define`);
    }
    const sub = node['Fn::Sub'];
    if (sub !== undefined) {
      const [text, vars] = Array.isArray(sub) ? (sub as [string, Record<string, unknown>]) : [String(sub), {}];
      for (const [, expr] of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = String(expr).split('.')[0] as string;
        if (!Object.hasOwn(vars ?? {}, name) && !known(name)) problems.push(`${file}: ${where} substitutes \${${expr}}, which the template does not define`);
      }
    }
    const fnIf = node['Fn::If'];
    if (Array.isArray(fnIf) && !Object.hasOwn(conditions, String(fnIf[0])))
      problems.push(`${file}: ${where} uses condition ${String(fnIf[0])}, which the template does not define`);
    if (typeof node.Condition === 'string' && where.startsWith('condition') && !Object.hasOwn(conditions, node.Condition))
      problems.push(`${file}: ${where} uses condition ${node.Condition}, which the template does not define`);
    Object.values(node).forEach((v) => walk(v, where));
  };
  for (const [name, condition] of Object.entries(conditions)) walk(condition, `condition ${name}`);
  for (const [id, resource] of Object.entries(resources)) {
    walk(resource.Properties ?? {}, `resource ${id}`);
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!Object.hasOwn(resources, dependency)) problems.push(`${file}: ${id} depends on ${dependency}, which the template does not define`);
    }
    if (resource.Condition !== undefined && !Object.hasOwn(conditions, resource.Condition))
      problems.push(`${file}: ${id} has condition ${resource.Condition}, which the template does not define`);
    if (resource.Type === 'AWS::Lambda::Function') {
      const key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
      if (typeof key !== 'string' || !assetHashes.has(key.replace(/\.zip$/, ''))) problems.push(`${file}: function ${id}'s code (${String(key)}) is not an asset of the assembly`);
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    walk(output.Value, `output ${name}`);
    if (output.Condition !== undefined && !Object.hasOwn(conditions, output.Condition))
      problems.push(`${file}: output ${name} has condition ${output.Condition}, which the template does not define`);
  }
}
