/**
 * The pull side: pages are staged in memory and revealed all at once when a page says
 * `has_more: false`; a page with `reset: true` discards what was staged before it. Staged pages
 * are volatile on purpose: after a crash the next pull resumes from the revealed cursor.
 */
import type { PatchOp, PullResponse } from "./protocol";
import type { RowKey, SyncStore } from "./store";

export interface Reveal {
  left: RowKey[];
  lastMutationId: number;
  replaced: boolean;
}

export class Replica {
  private staged: PatchOp[] = [];
  private stagedCursor: string | null = null;
  private stagingNow = false;

  constructor(private readonly store: SyncStore) {}

  get staging(): boolean {
    return this.stagingNow;
  }

  /** The cursor the next pull sends. */
  async nextCursor(): Promise<string | null> {
    return this.stagingNow ? this.stagedCursor : (await this.store.sync()).cursor;
  }

  /** Stages one page; reveals the whole sequence when it is the last one. */
  async receive(page: PullResponse): Promise<Reveal | null> {
    if (page.reset) this.staged = [];
    this.staged.push(...page.ops);
    this.stagedCursor = page.cursor;
    this.stagingNow = true;
    if (page.has_more) return null;
    const ops = this.staged;
    const replaced = ops.some((op) => op.op === "clear");
    this.dropStaging();
    const left = await this.store.reveal(ops, page.cursor, page.last_mutation_id);
    return { left, lastMutationId: page.last_mutation_id, replaced };
  }

  /** What a crash (or a 410) does to pages not yet revealed. */
  dropStaging(): void {
    this.staged = [];
    this.stagedCursor = null;
    this.stagingNow = false;
  }

  async forgetCursor(): Promise<void> {
    this.dropStaging();
    await this.store.updateSync({ cursor: null });
  }
}
