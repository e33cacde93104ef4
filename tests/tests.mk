# Test targets beyond unit tests; suites add their own rules here.
