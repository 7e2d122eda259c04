"""The pure rules engine: no Django, no other Fupin app (enforced by import-linter)."""
