"""The case-fund ledger (filled in by issue 15)."""
