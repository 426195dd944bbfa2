"""Asset inquiry and control (filled in by issue 15)."""
