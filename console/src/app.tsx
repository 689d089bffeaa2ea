import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api.ts';
import { completeSignIn, currentSession, forgetSession, loadConfig, signIn, signOut, type ConsoleConfig, type Session } from './auth.ts';
import { lang, setLang, t, type Lang } from './i18n.ts';
import { useSignal } from './signal.ts';
import { pagesFor } from './pages.ts';
import { Ctx, type ConsoleContext } from './ui.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { ReviewsPage } from './pages/reviews.tsx';
import { RefundsPage } from './pages/refunds.tsx';
import { TicketsPage } from './pages/tickets.tsx';
import { ReturnsPage } from './pages/returns.tsx';
import { CompliancePage } from './pages/compliance.tsx';
import { StockPage } from './pages/stock.tsx';
import { AuditPage } from './pages/audit.tsx';

const VIEWS: Record<string, (props: { path: string[] }) => preact.JSX.Element> = {
  dashboard: DashboardPage,
  reviews: ReviewsPage,
  refunds: RefundsPage,
  tickets: TicketsPage,
  returns: ReturnsPage,
  compliance: CompliancePage,
  stock: StockPage,
  audit: AuditPage,
};

function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parts;
}

function LanguageSwitch() {
  const current = useSignal(lang);
  return (
    <label class="lang">
      <span class="visually-hidden">{t('language')}</span>
      <select aria-label={t('language')} value={current} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        <option value="en">English</option>
        <option value="zh-CN">简体中文</option>
      </select>
    </label>
  );
}

export function App() {
  useSignal(lang);
  const [config, setConfig] = useState<ConsoleConfig>();
  const [session, setSession] = useState<Session | undefined>();
  const [failure, setFailure] = useState<string>();
  const [expired, setExpired] = useState(false);
  const [ready, setReady] = useState(false);
  const parts = useHash();

  useEffect(() => {
    document.documentElement.lang = lang.get();
    void (async () => {
      try {
        const loaded = await loadConfig();
        setConfig(loaded);
        const error = await completeSignIn(loaded);
        if (error) setFailure(error);
        setSession(currentSession());
      } catch (error) {
        setFailure((error as Error).message);
      } finally {
        setReady(true);
      }
    })();
  }, []);

  const ctx = useMemo<ConsoleContext | null>(() => {
    if (!config || !session) return null;
    return {
      config,
      session,
      api: createApi(
        config.apiUrl,
        () => currentSession()?.idToken,
        () => {
          forgetSession();
          setExpired(true);
        },
      ),
      signInAgain: () => void signIn(config),
    };
  }, [config, session]);

  const pages = session ? pagesFor(session.roles) : [];
  const current = parts[0] ?? pages[0]?.id;
  useEffect(() => {
    document.title = `${current && pages.some((p) => p.id === current) ? `${t(pages.find((p) => p.id === current)!.title)} · ` : ''}${t('appTitle')}`;
  });

  const header = (
    <header class="topbar">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t('skip')}
      </a>
      <span class="brand">{t('appTitle')}</span>
      {config && <span class="stage">{config.stage}</span>}
      <span class="spacer" />
      <LanguageSwitch />
      {session && config && (
        <>
          <span class="who">
            {t('signedInAs')} <strong data-testid="user">{session.name}</strong> <span class="muted">({session.roles.join(', ')})</span>
          </span>
          <button type="button" class="secondary" onClick={() => signOut(config)}>
            {t('signOut')}
          </button>
        </>
      )}
    </header>
  );

  if (!ready) return header;
  if (!config || !session || !ctx) {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1} class="signin">
          <h1>{t('appTitle')}</h1>
          {failure && (
            <p class="error" role="alert">
              {t('signInFailed')}: {failure}
            </p>
          )}
          <p>{t('welcome')}</p>
          {config && (
            <button type="button" onClick={() => void signIn(config)}>
              {t('signIn')}
            </button>
          )}
        </main>
      </>
    );
  }

  const View = current ? VIEWS[current] : undefined;
  const allowed = pages.some((p) => p.id === current);
  return (
    <Ctx.Provider value={ctx}>
      {header}
      <div class="layout">
        <nav aria-label={t('navLabel')}>
          <ul>
            {pages.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === current ? 'page' : undefined}>
                  {t(p.title)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {expired && (
            <div class="error" role="alert">
              <p>{t('sessionExpired')}</p>
              <button type="button" onClick={ctx.signInAgain}>
                {t('signInAgain')}
              </button>
            </div>
          )}
          {pages.length === 0 ? (
            <p>{t('noPages')}</p>
          ) : View && allowed ? (
            <View path={parts.slice(1)} />
          ) : (
            <div class="error" role="alert" data-testid="not-allowed">
              <h1>{t('notForRoles')}</h1>
            </div>
          )}
        </main>
      </div>
    </Ctx.Provider>
  );
}
