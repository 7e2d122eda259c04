"""Fupin (扶贫): targeted poverty alleviation and return-to-poverty monitoring."""
