/**
 * Hashes of what a synthesis depends on, in a module that loads nothing of the CDK (so a cached
 * assembly can be recognised without loading the app): the sources a bundle can include, and
 * everything a cloud assembly is made from.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

let sourcesHash: string | undefined;

/** A hash of every file a bundle can include (memoised: one walk per process). */
export function hashSources(): string {
  if (sourcesHash) return sourcesHash;
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) hash.update(path.relative(PROJECT_ROOT, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  for (const dir of ['functions', 'shared', 'events']) walk(path.join(PROJECT_ROOT, dir));
  for (const file of ['package-lock.json', 'tsconfig.json']) hash.update(fs.readFileSync(path.join(PROJECT_ROOT, file)));
  sourcesHash = hash.digest('hex');
  return sourcesHash;
}

/**
 * What a cloud assembly depends on: the bundled sources, the CDK app's own code (infra/ but the local
 * cloud), the staff console's sources (built into the assembly), `cdk.json`, the lock file, the stage
 * and the context.
 */
export function assemblyInputsKey(stage: string, context: Record<string, unknown>): string {
  const hash = crypto.createHash('sha256').update(hashSources()).update(stage).update(JSON.stringify(context));
  const walk = (dir: string, skip?: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== skip) walk(full, skip);
      } else if (/\.(ts|tsx|css|html|json)$/.test(entry.name)) hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(path.join(PROJECT_ROOT, 'infra'), path.join(PROJECT_ROOT, 'infra', 'local'));
  if (fs.existsSync(path.join(PROJECT_ROOT, 'console'))) walk(path.join(PROJECT_ROOT, 'console'), path.join(PROJECT_ROOT, 'console', 'node_modules'));
  for (const file of ['cdk.json', 'package-lock.json']) hash.update(fs.readFileSync(path.join(PROJECT_ROOT, file)));
  return hash.digest('hex');
}
