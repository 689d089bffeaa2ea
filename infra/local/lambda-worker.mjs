// One Lambda execution environment ("container") of the local cloud: a worker thread with its own
// process.env (the function's environment variables) that imports the bundled handler once (the
// cold start) and then serves invocations one at a time, like a Lambda sandbox.
// Plain JavaScript on purpose: it runs without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'node:module';
import path from 'node:path';

const { codeDir, handler: handlerSetting, functionName, functionArn, memorySize, logGroupName, sdkHooksDir } = workerData;

/** An ES module import of the SDK left out of the bundle (esbuild keeps external imports as written). */
const EXTERNAL_SDK_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']@aws-sdk\//;

const lastDot = handlerSetting.lastIndexOf('.');
const moduleName = handlerSetting.slice(0, lastDot);
const exportName = handlerSetting.slice(lastDot + 1);

let handlerPromise;
async function loadHandler() {
  const fs = await import('node:fs');
  const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(codeDir, moduleName + ext));
  const file = candidates.find((c) => fs.existsSync(c));
  if (!file) throw Object.assign(new Error(`Cannot find module '${moduleName}' in ${codeDir}`), { name: 'Runtime.ImportModuleError' });
  // The runtime's SDK for ES modules: resolution hooks when the pool says this code needs them
  // (`sdkHooksDir`: code outside the project), registered only if the code imports the SDK (they cost a loader thread).
  if (sdkHooksDir && EXTERNAL_SDK_IMPORT.test(fs.readFileSync(file, 'utf8'))) {
    register(new URL('./lambda-runtime-sdk.mjs', import.meta.url), { data: { runtimeParentUrl: pathToFileURL(path.join(sdkHooksDir, 'index.mjs')).href } });
  }
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[exportName] ?? mod.default?.[exportName];
  if (typeof fn !== 'function') throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return fn;
}

function serialiseError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== 'Error' ? error.name : (error.constructor?.name ?? 'Error'),
      errorMessage: error.message,
      stackTrace: (error.stack ?? '')
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    };
  }
  return { errorType: 'Error', errorMessage: typeof error === 'string' ? error : JSON.stringify(error) };
}

// The init phase, as on Lambda: the handler module is imported when the environment starts, before
// (and not timed as part of) its first invocation. The pool starts the invocation's timeout once
// this reports; an import error is reported by that invocation (and retried by the next one).
handlerPromise = loadHandler();
handlerPromise.then(
  () => parentPort.postMessage({ initialised: true }),
  () => parentPort.postMessage({ initialised: false }),
);

parentPort.on('message', async (message) => {
  const { requestId, event, deadline, traceId } = message;
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId,
    logGroupName,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    handlerPromise ??= loadHandler();
    const fn = await handlerPromise;
    const result = await new Promise((resolve, reject) => {
      const maybe = fn(event, context, (err, value) => (err ? reject(err) : resolve(value)));
      if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
    });
    parentPort.postMessage({ requestId, ok: true, payload: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    // as the Node.js runtime logs it to the function's log stream
    console.error(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(serialiseError(error))}`);
    if (message && handlerPromise) {
      // an import error poisons the container as on Lambda: the next invoke retries the import
      handlerPromise.catch(() => (handlerPromise = undefined));
    }
    parentPort.postMessage({ requestId, ok: false, error: serialiseError(error) });
  }
});
