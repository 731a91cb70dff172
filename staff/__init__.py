"""Staff identity: accounts, password hashing, sign-in, tokens and role guards."""
