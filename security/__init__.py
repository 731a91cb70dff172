"""Low-level security controls: rate limits, response headers, the audit log's writer, and the
`Anonymiser` each domain registers for the privacy domain's retention."""
