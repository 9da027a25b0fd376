"""`juvonno-dq pull`: fetch the nightly export from Juvonno's REST API (docs/notes/pull.md)."""
