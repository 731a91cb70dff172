"""Joint remote sessions: common free times, all-or-nothing booking, changes, notices."""
