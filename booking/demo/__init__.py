"""Demo data: agencies, experts, services and a joint service point, seeded once."""
