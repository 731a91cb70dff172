"""Staffing changes that reach bookings: retiring an expert and moving or cancelling the
bookings they leave behind; password resets through the same admin routes."""
