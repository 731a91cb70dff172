"""What is booked: services, the availability engine, bookings and reservations."""
