import "./styles.css";

import { render } from "preact";

import { App } from "./App";
import { registerServiceWorker } from "./pwa";
import { startRouter } from "./router";
import { restore } from "./session";
import { startSync } from "./sync";
import { browserOnline, now } from "./state";

addEventListener("online", () => (browserOnline.value = true));
addEventListener("offline", () => (browserOnline.value = false));
setInterval(() => (now.value = Date.now()), 30_000);

startRouter();
render(<App />, document.getElementById("app") as HTMLElement);
void restore().then(startSync);
registerServiceWorker();
