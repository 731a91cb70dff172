"""Luukku's shared kernel: settings, database engine, problem details and the clock."""
