"""Security and privacy controls: rate limits, response headers, the audit log, retention and
customers' own data requests."""
