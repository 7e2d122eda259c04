"""Assessment: policy rule sets per region and year, evaluated over household facts.

The app arrives with the assessment issue; its pure rules engine lives in `rules/`, which an
import-linter contract keeps free of Django and of every other app from the start.
"""
