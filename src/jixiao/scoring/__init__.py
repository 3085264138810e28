"""The indicator tree, scoring rules and the evidence they read; exact Decimal arithmetic."""
