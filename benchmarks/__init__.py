"""Scripts that measure and print figures and ratios."""
