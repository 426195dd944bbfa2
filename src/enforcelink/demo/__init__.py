"""Demo data, demo logins, serving and benchmarks (issue 2 §9); no models of its own."""
