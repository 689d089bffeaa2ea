import { defineConfig } from 'vitest/config';
import { TEST_STAFF_ISSUER } from './tests/support/http-events.ts';

// Vitest runs one test file at a time on a two-core machine by default; package.json's test:* scripts
// ask for more where files mostly wait (integration on DynamoDB Local, e2e on the local cloud).
// Four levels, one project each (tests/README.md). `npm test` runs them in this order:
// unit → infra → integration → e2e. Integration and e2e share one DynamoDB Local / one local
// cloud per run (their globalSetup files) and isolate tests by unique ids.
// The AWS SDK warns once per process that Node 20 support ends in 2027; the runtime is nodejs22.x.
const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
// Handlers run in-process in unit and integration tests: they get what a function of the local cloud
// gets — its stage (required: shared/config.ts never defaults it) and the local-cloud switch, the one
// place where built-in sandbox secrets are allowed (shared/secrets.ts stageSecret).
// And the staff pool's issuer, as the stack gives every API function (shared/auth.ts: staff roles count only from it).
const IN_PROCESS = { ...QUIET_SDK, STAGE: 'dev', LOCAL_CLOUD: 'true', STAFF_POOL_ISSUER: TEST_STAFF_ISSUER };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', env: IN_PROCESS } },
      // One process for every infra file (no isolation): they share one synthesis per stage (tests/infra/synth.ts).
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          environment: 'node',
          env: QUIET_SDK,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          isolate: false,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          env: IN_PROCESS,
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          env: QUIET_SDK,
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      // The README's commands, run on a clean copy of the project (its own local cloud and synths).
      { test: { name: 'readme', include: ['tests/readme/**/*.test.ts'], environment: 'node', env: QUIET_SDK, testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
