"""Video meetings: room names and the personal, time-limited join links."""
