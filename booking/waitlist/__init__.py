"""The waitlist: customers waiting for a freed time, offered it one at a time as a hold."""
