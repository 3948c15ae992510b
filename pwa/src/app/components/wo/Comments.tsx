import { useState } from "preact/hooks";

import { dateTime } from "../../../shared/time";
import { errorText } from "../../api";
import { addComment } from "../../execution";
import { session } from "../../state";
import type { CommentData, WorkOrderData } from "../../workorders";
import { Notice } from "../Screen";

/** Comments are append-only: written here, never edited. */
export function Comments({
  order,
  comments,
  editable,
}: {
  order: WorkOrderData;
  comments: CommentData[];
  editable: boolean;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const me = session.value?.user.id;
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await addComment(order, text);
      setText("");
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  return (
    <section class="card" aria-labelledby="wo-comments" data-testid="comments">
      <h2 id="wo-comments">Comments</h2>
      {comments.length === 0 ? (
        <p class="muted">No comments yet.</p>
      ) : (
        <ol class="comments">
          {comments.map((c) => (
            <li key={c.id} data-testid="comment">
              <p class="comment__meta muted">
                {c.author_id === me ? "You" : "Colleague"} · {dateTime(c.created_at)}
                {c.pending && " · not synced"}
              </p>
              <p class="comment__body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {editable && (
        <form onSubmit={(e) => void submit(e)}>
          <label for="comment-text">Add a comment</label>
          <textarea id="comment-text" rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="button" disabled={!text.trim()}>
            Add comment
          </button>
        </form>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </section>
  );
}
