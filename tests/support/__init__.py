"""Real peers for tests (servers on 127.0.0.1) that several test packages share."""
