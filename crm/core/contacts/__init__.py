"""People, companies and positions: creating, finding (by name, alias, domain, search) and
showing them (a person whole, pages of the people list)."""
