"""The export: its validation (every problem at once) and its bulk load."""
