"""Settings per environment: base, local (make run), test (make test), production."""
