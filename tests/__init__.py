"""Cross-cutting tests: docs, URL smoke tests, browser tests."""
