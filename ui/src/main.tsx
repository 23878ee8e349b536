import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, chooseTenant, chosenTenant, onSessionLost, setSession, type User } from './api.ts';
import { live, useLiveStatus } from './live.ts';
import { href, match, usePath } from './router.ts';
import { LoginPage } from './pages/login/index.tsx';
import { DashboardPage } from './pages/dashboard/index.tsx';
import { StationsPage } from './pages/stations/index.tsx';
import { StationPage } from './pages/station/index.tsx';
import { ConsolePage } from './pages/console/index.tsx';
import { TransactionsPage, TransactionPage } from './pages/transactions/index.tsx';
import { TokensPage } from './pages/tokens/index.tsx';
import { UsersPage, AccountPage } from './pages/users/index.tsx';
import { lazy } from './lazy.tsx';
import './style.css';

export interface PageProps {
  user: User;
  params: Record<string, string>;
}

/** One row per page; a page is one folder under pages/. */
const ROUTES: Array<{ path: string; page: (p: PageProps) => any; nav?: string; admin?: boolean }> = [
  { path: '/', page: DashboardPage, nav: 'Dashboard' },
  { path: '/stations', page: StationsPage, nav: 'Stations' },
  { path: '/stations/:id', page: StationPage },
  { path: '/stations/:id/console', page: ConsolePage },
  { path: '/transactions', page: TransactionsPage, nav: 'Transactions' },
  { path: '/transactions/:stationId/:id', page: TransactionPage },
  { path: '/tokens', page: TokensPage, nav: 'Id tokens' },
  { path: '/sites', page: lazy(() => import('./pages/sites/index.tsx'), 'SitesPage'), nav: 'Sites & load' },
  { path: '/sites/:id', page: lazy(() => import('./pages/sites/index.tsx'), 'SitePage') },
  { path: '/tariffs', page: lazy(() => import('./pages/tariffs/index.tsx'), 'TariffsPage'), nav: 'Tariffs' },
  { path: '/tariffs/:id', page: lazy(() => import('./pages/tariffs/index.tsx'), 'TariffPage') },
  { path: '/reservations', page: lazy(() => import('./pages/reservations/index.tsx'), 'ReservationsPage'), nav: 'Reservations' },
  { path: '/campaigns', page: lazy(() => import('./pages/campaigns/index.tsx'), 'CampaignsPage'), nav: 'Firmware campaigns' },
  { path: '/campaigns/:id', page: lazy(() => import('./pages/campaigns/index.tsx'), 'CampaignPage') },
  { path: '/campaigns/reports/:id', page: lazy(() => import('./pages/campaigns/index.tsx'), 'CampaignPage') },
  { path: '/certificates', page: lazy(() => import('./pages/certificates/index.tsx'), 'CertificatesPage'), nav: 'Certificates' },
  { path: '/certificates/:id', page: lazy(() => import('./pages/certificates/index.tsx'), 'CertificatesPage') },
  { path: '/partners', page: lazy(() => import('./pages/partners/index.tsx'), 'PartnersPage'), nav: 'OCPI partners', admin: true },
  { path: '/users', page: UsersPage, nav: 'Users & keys', admin: true },
  { path: '/account', page: AccountPage },
];

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const path = usePath();
  const liveUp = useLiveStatus();

  const loggedIn = (u: User, csrf: string) => {
    setSession(csrf);
    setUser(u);
    live.start();
  };

  useEffect(() => {
    api('/auth/me').then(
      (me) => (me.user ? loggedIn(me.user, me.csrfToken) : setUser(null)),
      () => setUser(null),
    );
    return onSessionLost(() => {
      live.stop();
      setUser(null);
    });
  }, []);

  if (user === undefined) return <p class="loading">Loading…</p>;
  if (user === null) return <LoginPage onLogin={loggedIn} />;

  const logout = async () => {
    await api('/auth/logout', { method: 'POST' }).catch(() => {});
    live.stop();
    setUser(null);
  };
  let content = <p>Page not found. <a href="#/">Dashboard</a></p>;
  for (const r of ROUTES) {
    const params = match(r.path, path);
    if (params && (!r.admin || user.role === 'admin')) {
      content = <r.page user={user} params={params} key={path} />;
      break;
    }
  }
  const section = '/' + (path.split('/')[1] ?? '');
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <nav class="sidebar" aria-label="Main">
        <div class="brand"><span class="logo" aria-hidden="true" />Switchyard</div>
        <ul>
          {ROUTES.filter((r) => r.nav && (!r.admin || user.role === 'admin')).map((r) => (
            <li key={r.path}>
              <a href={href(r.path)} aria-current={section === r.path || (r.path === '/' && path === '/') ? 'page' : undefined}>{r.nav}</a>
            </li>
          ))}
        </ul>
        <div class="who">
          <span class={liveUp ? 'live up' : 'live'} title={liveUp ? 'Live updates connected' : 'Live updates reconnecting'}>{liveUp ? '● live' : '○ offline'}</span>
          <div><a href="#/account">{user.username}</a> <small>({user.role}{user.tenantId ? ` · ${user.tenantId}` : ' · cluster'})</small></div>
          {user.tenantId === null && (
            <label>
              Tenant{' '}
              <input
                size={10}
                value={chosenTenant() || 'default'}
                onChange={(e) => {
                  chooseTenant((e.target as HTMLInputElement).value.trim());
                  live.start();
                  location.reload();
                }}
              />
            </label>
          )}
          <button type="button" class="link" onClick={logout}>Log out</button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>{content}</main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
