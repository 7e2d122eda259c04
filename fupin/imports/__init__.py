"""Bulk imports: templates declared as data, parsing, validation and error workbooks."""
