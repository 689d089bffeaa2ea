/**
 * The one paging loop of the compliance scans: every scan reads its source page by page through
 * {@link eachPaged}, which stops before a page when the run is out of time (the scan then reports
 * an incomplete run). No AWS imports: the sources do the reading.
 */

/** A page of anything a scan reads, and where the next one starts. */
export interface Paged<T> {
  readonly items: ReadonlyArray<T>;
  readonly nextPage?: Record<string, unknown>;
}

/** Runs `check` on everything `list` returns, page by page, stopping early (before a page) when asked. */
export async function eachPaged<T>(
  list: (page: Record<string, unknown> | undefined) => Promise<Paged<T>>,
  shouldStop: () => boolean,
  check: (item: T) => void,
): Promise<{ examined: number; complete: boolean }> {
  let examined = 0;
  let page: Record<string, unknown> | undefined;
  do {
    if (shouldStop()) return { examined, complete: false };
    const result = await list(page);
    for (const item of result.items) {
      examined++;
      check(item);
    }
    page = result.nextPage;
  } while (page);
  return { examined, complete: true };
}
