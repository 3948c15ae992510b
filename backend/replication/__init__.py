"""The sync server: mounts the pure protocol (`sync/`) as `/api/sync/*`, implements its store on
the database, captures every replicated write into a commit-ordered change log, and registers
each context's offline mutators."""
