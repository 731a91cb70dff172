"""Service-quality reports: loading rows, pure figures, JSON and CSV."""
