"""The terminal UI (Textual). ``crm.tui.app.make_app`` builds it."""
