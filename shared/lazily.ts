/**
 * A value built on first use and kept. Used for zod schemas a module declares but not every bundle
 * importing the module uses: every schema built at import lengthens the cold start of every
 * function bundling that module (docs/performance.md).
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
