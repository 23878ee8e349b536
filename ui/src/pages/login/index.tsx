import { useState } from 'preact/hooks';
import { api, errorText, type User } from '../../api.ts';

export function LoginPage({ onLogin }: { onLogin: (user: User, csrf: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const res = await api('/auth/login', { method: 'POST', body: { username, password } });
      onLogin(res.user, res.csrfToken);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-label="Log in">
        <div class="brand"><span class="logo" aria-hidden="true" />Switchyard</div>
        <label>Username<input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} autoFocus /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} /></label>
        {error && <div class="error" role="alert">{error}</div>}
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
