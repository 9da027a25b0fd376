"""juvonno-dq: the nightly SOP data-quality runner for Juvonno exports."""
