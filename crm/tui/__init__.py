"""Terminal UI (Textual). Only crm.cli and tests import this."""
