import { Screen } from "../components/Screen";

export function NotFound({ path }: { path: string }) {
  return (
    <Screen title="Page not found" testid="screen-notfound">
      <p>
        Nothing lives at <code>{path}</code>.
      </p>
      <a class="button" href="/">
        Go to My work
      </a>
    </Screen>
  );
}
