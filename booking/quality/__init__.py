"""Service quality: contact requests (intake, handling, escalation), outcomes and feedback."""
