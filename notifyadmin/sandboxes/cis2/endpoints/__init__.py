"""HTTP endpoints of the stand-in, one module per OpenID Connect endpoint plus the test hooks."""
