"""HTTP routes of the calendars domain: administration, and an expert's own calendar."""
