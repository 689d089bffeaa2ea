/** The shape of a CloudFormation template as the local cloud reads it (see template.ts). */

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface StackTemplate {
  stackName: string;
  templateFile: string;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
}

export class UnsupportedTemplateError extends Error {
  override name = 'UnsupportedTemplateError';
}
