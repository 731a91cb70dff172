"""Holds: a chosen time kept for one customer while they fill in the booking form."""
