"""The collectors' door into the API: batches of samples in, machine facts stored once."""
