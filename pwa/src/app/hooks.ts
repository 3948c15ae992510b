/** Small hooks the screens share. */
import { useEffect, useState } from "preact/hooks";

import { onStoreChange, type StoreTopic } from "../db/events";

/**
 * The value of `load()`, read again whenever one of `topics` changes in the local store (this tab
 * or another). `undefined` until the first read finishes.
 */
export function useStored<T>(
  load: () => Promise<T>,
  deps: unknown[],
  topics: StoreTopic[] = ["entities", "outbox"],
): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    let seq = 0;
    const read = () => {
      const mine = ++seq;
      void load().then(
        (v) => alive && mine === seq && setValue(() => v),
        () => undefined,
      );
    };
    read();
    const stop = onStoreChange((topic) => topics.includes(topic) && read());
    return () => {
      alive = false;
      stop();
    };
  }, deps);
  return value;
}

/** Re-renders every `ms` while mounted (running clocks). */
export function useTick(ms: number, active = true): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
  return now;
}
