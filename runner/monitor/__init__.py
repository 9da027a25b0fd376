"""Watching the data: rule denominators, anomaly alerts, export freshness."""
