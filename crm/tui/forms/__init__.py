"""Forms more than one screen shows, and what it takes to show a refused one again."""
