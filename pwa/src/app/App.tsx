import { IosInstallHint, UpdateBanner } from "./components/Banners";
import { NavBar } from "./components/NavBar";
import { StatusBar } from "./components/StatusBar";
import { route } from "./router";
import { Asset } from "./screens/Asset";
import { Inbox } from "./screens/Inbox";
import { Label } from "./screens/Label";
import { Line } from "./screens/Line";
import { Login } from "./screens/Login";
import { NotFound } from "./screens/NotFound";
import { Scan } from "./screens/Scan";
import { Settings } from "./screens/Settings";
import { Work } from "./screens/Work";
import { WorkOrder } from "./screens/WorkOrder";
import { ready, session } from "./state";

export function App() {
  if (!ready.value) return <p class="splash" aria-busy="true">Loading Gemba…</p>;
  return (
    <div class="shell" data-testid="app-shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <StatusBar />
        <UpdateBanner />
        <IosInstallHint />
      </header>
      {session.value ? (
        <div class="body">
          <NavBar />
          <main id="main" class="main">
            <Current />
          </main>
        </div>
      ) : (
        <Login />
      )}
    </div>
  );
}

function Current() {
  const r = route.value;
  switch (r.name) {
    case "work":
      return session.value?.user.role === "operator" ? <Line /> : <Work />;
    case "line":
      return <Line />;
    case "scan":
      return <Scan />;
    case "inbox":
      return <Inbox />;
    case "settings":
      return <Settings />;
    case "asset":
      return <Asset key={r.token} token={r.token} />;
    case "part":
    case "bin":
      return <Label key={`${r.name}:${r.token}`} kind={r.name} token={r.token} />;
    case "workorder":
      return <WorkOrder key={r.id} id={r.id} />;
    case "notfound":
      return <NotFound path={r.path} />;
  }
}
