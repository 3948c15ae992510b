import { useState } from "preact/hooks";

import { errorText } from "../api";
import { enablePush } from "../push";
import { login, suggestedDeviceName } from "../session";
import { signedOutReason } from "../state";

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [deviceName, setDeviceName] = useState(suggestedDeviceName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password, deviceName.trim());
      void enablePush(true);
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="card login__card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <img src="/icons/icon-192.png" alt="" width={64} height={64} />
        <h1 id="login-title">Sign in to Gemba</h1>
        <p class="muted">Once per device: this phone or tablet stays signed in, also offline.</p>
        {signedOutReason.value && <p class="notice notice--info">{signedOutReason.value}</p>}
        <label for="username">User name</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <label for="device-name">Name of this device</label>
        <input
          id="device-name"
          name="device-name"
          maxLength={120}
          required
          value={deviceName}
          onInput={(e) => setDeviceName(e.currentTarget.value)}
        />
        {error && (
          <p class="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
