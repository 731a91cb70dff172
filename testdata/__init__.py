"""Test-data builders shared by the tests and the benchmarks (which import neither each other
nor anything here but the application)."""
