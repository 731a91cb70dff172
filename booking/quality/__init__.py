"""Service quality: contact requests, key customers, outcomes and customer feedback."""
