/**
 * A value built on first use and kept. Every module-level zod schema is declared with it (a unit
 * test refuses a schema built when its module loads): a schema built at import lengthens the cold
 * start of every function bundling its module, whether the function reads it or not
 * (docs/performance.md).
 */
export function lazily<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
