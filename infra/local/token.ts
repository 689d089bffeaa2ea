/**
 * `npm run token -- --sub alice --role customer [--role …] [--ttl 3600]` prints a JWT the local
 * API Gateway accepts: signed by the local issuer in `.data/`, issued by the user pool that holds
 * the role's group (customers' pool or staff pool), exactly as Cognito's ID tokens are shaped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, synthesize } from './synth.ts';
import { readAssembly, ResourceNames } from './template.ts';
import { readPools } from './cloud.ts';
import { createLocalIssuer } from './local-issuer.ts';

const { values } = parseArgs({
  options: { sub: { type: 'string' }, role: { type: 'string', multiple: true }, ttl: { type: 'string', default: '3600' } },
});
if (!values.sub || !values.role?.length) {
  console.error(
    'usage: npm run token -- --sub <user id> --role <role> [--role <role> …] [--ttl <seconds>]\nroles: customer, ops, risk-analyst, cs-agent, analyst, marketer, content-reviewer, admin',
  );
  process.exit(2);
}
const assemblyDir = path.join(PROJECT_ROOT, 'cdk.out');
if (!fs.existsSync(path.join(assemblyDir, 'manifest.json'))) await synthesize({ outdir: assemblyDir, bundle: false });
const [stack] = readAssembly(assemblyDir);
if (!stack) throw new Error('no stack in cdk.out');
const names = new ResourceNames(stack, { api: '', aws: '', dynamodb: '' });
const { pools } = readPools(names);
const roles = values.role;
const pool = [...pools.values()].find((p) => roles.every((r) => p.groups.has(r)));
if (!pool) {
  console.error(`No user pool has all of: ${roles.join(', ')}. Pools and their groups: ${[...pools.values()].map((p) => `${p.poolId} [${[...p.groups].join(', ')}]`).join('; ')}`);
  process.exit(2);
}
const issuer = createLocalIssuer({ dataDir: path.join(PROJECT_ROOT, '.data') });
console.log(await issuer.mint({ sub: values.sub, roles, poolId: pool.poolId, clientId: pool.clientId, expiresInSeconds: Number(values.ttl) }));
