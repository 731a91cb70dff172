"""iCalendar subscription feeds of experts and agencies, and their secret tokens."""
