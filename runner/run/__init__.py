"""The parts of one nightly run (runner/pipeline.py is its entry point and order).

- state.py: what a run was asked (RunRequest) and what it knows as it goes (RunState);
- steps.py: after validation, the named steps: load, dbt, GX, results, verdict, history, publish;
- summary.py: summary.json of a completed, rejected or failed run;
- records.py: the end every run that took the lock shares (run folder, prune, notify).
"""
