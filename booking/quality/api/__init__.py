"""HTTP routes of service quality: contact requests, key customers, outcomes and feedback."""
