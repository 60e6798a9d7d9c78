"""crm: a keyboard-first terminal CRM for professional networking."""

__version__ = "0.1.0"
