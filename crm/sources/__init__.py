"""Readers for contact exports other than vCard: LinkedIn's data export, Google Contacts CSV
and Outlook CSV.

Pure parsing: a reader turns a file into typed rows, each with its file, line and raw text,
and knows nothing of the database. ``crm.sources.detect`` tells, by content, which reader a
path needs. Matching and writing belong to the import pipeline in ``crm.core``.
"""
