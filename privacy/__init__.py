"""Privacy: retention of personal data, customers' own data requests, and the audit-log routes."""
