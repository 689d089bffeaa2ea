/** Shared pieces: the console context, data loading with visible errors (401, 403, problem+json), small widgets. */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from './api.ts';
import type { ConsoleConfig, Session } from './auth.ts';
import { t } from './i18n.ts';

export interface ConsoleContext {
  api: ApiClient;
  session: Session;
  config: ConsoleConfig;
  signInAgain(): void;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('no console context');
  return ctx;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads `path` (re-loads when it changes); `undefined` path loads nothing. */
export function useGet<T>(path: string | undefined): Loaded<T> {
  const { api } = useConsole();
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: Boolean(path) });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api.get<T>(path).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, nonce, api]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs an action (a POST) and keeps its error and running state. */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [doneMessage, setDone] = useState<string>();
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const result = await action();
      setDone(t('done'));
      return result;
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, error, busy, done: doneMessage };
}

/** An error shown where it happened: 401 offers to sign in again, 403 says the roles do not allow it, problem+json shows title, detail and fields. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { signInAgain } = useConsole();
  if (!error) return null;
  if (error instanceof ApiError && error.status === 401) {
    return (
      <div class="error" role="alert">
        <p>{t('sessionExpired')}</p>
        <button type="button" onClick={signInAgain}>
          {t('signInAgain')}
        </button>
      </div>
    );
  }
  if (error instanceof ApiError) {
    return (
      <div class="error" role="alert">
        <p>
          <strong>
            {error.status === 403 ? t('forbidden') : t('error')} ({error.status || '—'})
          </strong>{' '}
          {error.title}
          {error.detail ? ` — ${error.detail}` : ''}
        </p>
        {error.errors.length > 0 && (
          <ul>
            {error.errors.map((e, i) => (
              <li key={i}>
                <code>{e.path}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
        {onRetry && error.status !== 403 && (
          <button type="button" onClick={onRetry}>
            {t('retry')}
          </button>
        )}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      <p>
        {t('error')}: {String((error as Error)?.message ?? error)}
      </p>
    </div>
  );
}

/** Loading / error / content of a {@link useGet}. */
export function Async<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (loaded.loading || loaded.data === undefined)
    return (
      <p aria-live="polite" class="muted">
        {t('loading')}
      </p>
    );
  return <>{children(loaded.data)}</>;
}

/** {@link Async} of a list response (`{ items }`): "none" when it is empty, else `children(items)`. */
export function AsyncItems<T>({ loaded, children }: { loaded: Loaded<{ items: T[] }>; children: (items: T[]) => ComponentChildren }) {
  return <Async loaded={loaded}>{({ items }) => (items.length === 0 ? <p>{t('none')}</p> : children(items))}</Async>;
}

/** The page header's button that loads the page's data again. */
export function RefreshButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" class="secondary" onClick={onClick}>
      {t('refresh')}
    </button>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      <div class="page-actions">{children}</div>
    </div>
  );
}

export function Status({ value }: { value: string }) {
  return <span class={`badge badge-${value.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>{value}</span>;
}

export function Feedback({ action }: { action: ReturnType<typeof useAction> }) {
  return (
    <>
      <ErrorBox error={action.error} />
      {action.done && (
        <p role="status" class="ok">
          {action.done}
        </p>
      )}
    </>
  );
}

/** A one-field lookup form (order id, SKU). */
export function Lookup({ id, label, value, onSubmit, pattern }: { id: string; label: string; value: string; onSubmit(v: string): void; pattern?: string }) {
  const [text, setText] = useState(value);
  return (
    <form
      class="lookup"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(text.trim());
      }}
    >
      <label for={id}>{label}</label>
      <input id={id} name={id} value={text} required pattern={pattern} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      <button type="submit">{t('load')}</button>
    </form>
  );
}

/** Re-renders every second (live countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
