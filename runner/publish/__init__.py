"""Publishing a run: worklist.csv, summary.json, report.html, history, the atomic
switch of OUT/latest, pruning, notifications."""
