"""UI-free core of crm: models, storage, queries and services. Never imports Textual."""
