/**
 * `npm run prepare:e2e`: synthesizes and bundles the e2e suite's assembly (`.cdk.test.out`) ahead of
 * it. `npm test` runs it beside the integration suite, which mostly waits on DynamoDB Local, so the
 * e2e suite's global setup finds the assembly made from the same inputs and reuses it instead of
 * bundling every function while the README suite runs beside it.
 */
import { synthesize, TEST_ASSEMBLY_DIR } from '../../infra/local/synth.ts';

const result = await synthesize({ outdir: TEST_ASSEMBLY_DIR });
console.log(`e2e assembly ${result.reused ? 'already up to date' : 'synthesized and bundled'} in ${(result.milliseconds / 1000).toFixed(1)} s (${TEST_ASSEMBLY_DIR})`);
