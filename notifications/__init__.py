"""Who is told what and when: the outbox, templates and the SMTP worker (notifications issue)."""
