"""Views across one-to-one bookings and joint sessions: an expert's own agenda, the bookings
inside an absence, and opening the meeting link of either."""
