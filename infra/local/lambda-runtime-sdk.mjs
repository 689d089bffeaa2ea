// Module resolution hooks of a local Lambda execution environment (registered by
// lambda-worker.mjs): a bare import the function's code cannot resolve from its own directory is
// resolved once more from the runtime's module directory, which holds only the AWS SDK for
// JavaScript v3 — as the nodejs18.x+ runtimes resolve `@aws-sdk/*` from /var/runtime/node_modules
// for handlers that leave the SDK out of their bundle (NodejsFunction's default externalModules).
// Plain JavaScript on purpose: it runs without a TypeScript loader.
let runtimeParentUrl;

export function initialize(data) {
  runtimeParentUrl = data.runtimeParentUrl;
}

const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !BARE.test(specifier) || !runtimeParentUrl) throw error;
    try {
      return await next(specifier, { ...context, parentURL: runtimeParentUrl });
    } catch {
      throw error;
    }
  }
}
