# Test and benchmark targets (filled in as the harness grows).
