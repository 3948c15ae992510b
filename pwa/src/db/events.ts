/** Tells every open view (this tab and others) that stored data changed. */

export type StoreTopic = "entities" | "outbox" | "meta" | "photos" | "cache";

type Listener = (topic: StoreTopic) => void;

const listeners = new Set<Listener>();
const channel: BroadcastChannel | null =
  typeof BroadcastChannel === "function" ? new BroadcastChannel("gemba-store") : null;

if (channel) {
  channel.onmessage = (event: MessageEvent<StoreTopic>) => {
    for (const listener of listeners) listener(event.data);
  };
}

export function onStoreChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyStoreChange(topic: StoreTopic): void {
  for (const listener of listeners) listener(topic);
  channel?.postMessage(topic);
}
