/**
 * When to sync: on request (app open, reconnect, back to the foreground, the server's nudge, a new
 * change), one round at a time across tabs, retrying failures with exponential backoff. It never
 * relies on Background Sync: everything happens while the app is open.
 */
import type { RoundResult } from "./engine";

export interface SchedulerOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A fallback round while open, in case a nudge was missed. */
  periodMs?: number;
  random?: () => number;
  onStart?: () => void;
  onResult?: (result: RoundResult) => void;
}

export interface RoundRunner {
  round(): Promise<RoundResult>;
}

export function backoffDelay(failures: number, min: number, max: number, random: () => number): number {
  const exponential = Math.min(max, min * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

type Locks = { request(name: string, options: { ifAvailable: boolean }, fn: (lock: unknown) => Promise<void>): Promise<void> };

export class SyncScheduler {
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly options: Required<Omit<SchedulerOptions, "onStart" | "onResult">> & SchedulerOptions;

  constructor(
    private readonly runner: RoundRunner,
    options: SchedulerOptions = {},
  ) {
    this.options = {
      minDelayMs: 1_000,
      maxDelayMs: 60_000,
      periodMs: 5 * 60_000,
      random: Math.random,
      ...options,
    };
  }

  /** Sync as soon as possible (coalesced with a round already running). */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  get failureCount(): number {
    return this.failures;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    this.clearTimer();
    if (!this.stopped) this.timer = setTimeout(() => this.request(), delay);
  }

  private async run(): Promise<void> {
    this.running = true;
    this.again = false;
    let result: RoundResult | null = null;
    try {
      this.options.onStart?.();
      result = await this.exclusive();
    } catch (error) {
      result = { kind: "retry", message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.running = false;
    }
    if (result) this.options.onResult?.(result);
    if (this.stopped) return;
    if (result === null || result.kind === "done") {
      this.failures = 0;
      if (this.again) this.request();
      else this.schedule(this.options.periodMs);
      return;
    }
    if (result.kind === "stopped") return;
    this.failures += 1;
    const delay =
      result.kind === "retry" && result.afterMs !== undefined
        ? result.afterMs
        : backoffDelay(this.failures, this.options.minDelayMs, this.options.maxDelayMs, this.options.random);
    this.schedule(delay);
  }

  /** One round, unless another tab of this app is running one (then it covers this request). */
  private async exclusive(): Promise<RoundResult | null> {
    const locks = (globalThis.navigator as { locks?: Locks } | undefined)?.locks;
    if (!locks) return this.runner.round();
    let result: RoundResult | null = null;
    await locks.request("gemba-sync", { ifAvailable: true }, async (lock) => {
      if (lock) result = await this.runner.round();
    });
    return result;
  }
}
