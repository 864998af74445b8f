"""Widgets of the terminal UI: they show data and post messages; they never do I/O."""
