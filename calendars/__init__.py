"""Who can be booked and when: agencies, experts, service points, rooms, hours and absences."""
