"""Rectification pages, split by sub-domain (ADR 0006): problems (with the ledger and the
progress report), complaints, campaigns, and the public complaint pages."""

from fupin.rectification.views import campaigns, complaints, problems, public

__all__ = ["campaigns", "complaints", "problems", "public"]
