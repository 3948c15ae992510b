import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A screen with its heading; the heading takes focus when the screen opens (screen readers). */
export function Screen({ title, children, testid }: { title: string; children: ComponentChildren; testid?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Gemba`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <section class="screen" data-testid={testid} aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

export function Notice({ kind = "info", children }: { kind?: "info" | "error" | "ok"; children: ComponentChildren }) {
  return (
    <p class={`notice notice--${kind}`} role={kind === "error" ? "alert" : undefined}>
      {children}
    </p>
  );
}
