/**
 * The AWS SDK's credential chain as bundled into the functions: Lambda's environment only.
 *
 * Every SDK client's default configuration imports `@aws-sdk/credential-provider-node`, the whole
 * chain for every place code can run (environment, SSO, INI files, web identity, process, ECS, EC2
 * instance metadata) with the nested SSO/STS clients it needs: ≈ 90 KB of every bundle. A Lambda
 * function gets its role's credentials in exactly one way, the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and so does a function of the local cloud. The
 * bundler aliases that package to this module (infra/constructs/service-function.ts `BUNDLING`),
 * so a bundled client reads the environment and nothing else; missing variables fail the call with
 * the SDK's own `CredentialsProviderError`. Scripts and tests outside the bundles keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same shape as the package's `defaultProvider`: `(init) => provider`. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
