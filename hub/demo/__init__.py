"""A synthetic city of schools and teachers for demos, tests and benchmarks."""
