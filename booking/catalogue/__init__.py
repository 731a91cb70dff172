"""The service catalogue: services, their booking rules, which experts give them."""
