"""Bookings of one expert: slot search, create, read, cancel, reschedule, substitutes."""
