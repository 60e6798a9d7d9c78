"""Widgets of the terminal UI; none of them opens a database session."""
