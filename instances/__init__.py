"""Sample schools and the deterministic generator that writes them (see README.md)."""
