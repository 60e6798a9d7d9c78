"""The words crm uses for statuses, stages, kinds and formats: one place, no SQLAlchemy.

The models, the core services, the CLI's choices and the TUI's forms all read them from here
(they are kept as text in the database, so a new word needs no migration).
"""

from __future__ import annotations

CONTACT_KINDS = ("email", "phone", "url", "social", "address", "other")
POSITION_KINDS = ("full-time", "intern", "part-time", "contract", "volunteer", "student",
                  "freelance", "other")
CONNECTION_KINDS = ("co-worker", "fellow-intern", "manager", "report", "mentor", "mentee",
                    "classmate", "professor", "recruiter", "friend", "introduced-by",
                    "family", "acquaintance", "other")
INTERACTION_KINDS = ("call", "coffee", "email", "message", "meeting", "met", "event", "note",
                     "other")

REFERRAL_STATUSES = ("asked", "offered", "introduced", "referred", "interviewing", "hired",
                     "declined")

REFERENCE_STATUSES = ("not-asked", "asked", "agreed", "declined")
# How references are shown and sorted: the ones that said yes first.
REFERENCE_BOARD_ORDER = ("agreed", "asked", "not-asked", "declined")
REFERENCE_STATUS_RANK = {status: rank for rank, status in enumerate(REFERENCE_BOARD_ORDER)}
# Connection kinds that mean "we worked (or studied) together closely": a reference who
# supervised or taught me carries more weight than a friend.
SUPERVISOR_KINDS = ("manager", "professor", "mentor")
WORKED_WITH_KINDS = ("co-worker", "fellow-intern", "report", "mentee", "classmate")

APPLICATION_STAGES = ("planned", "applied", "screening", "interviewing", "offer", "accepted",
                      "rejected", "withdrawn")
CLOSED_STAGES = ("accepted", "rejected", "withdrawn")
OPEN_STAGES = tuple(stage for stage in APPLICATION_STAGES if stage not in CLOSED_STAGES)

SUGGESTION_KINDS = ("connection", "same-person")
TODO_STATUSES = ("open", "done", "dismissed")
# Where an automatic to-do came from (a manual one has none).
TODO_ORIGINS = ("thank-you", "notify-reference", "chase-intro")
SUGGESTION_STATUSES = ("open", "accepted", "dismissed")
# How an imported card was matched to its person (import_record.matched_by): it created
# them, it was matched to them by one of these, or it was split off to make them. A match
# by email or phone is inferred (shared numbers and inboxes exist): shown with its
# evidence, undone by a split.
# "row": a record that is no card at all (a row of a LinkedIn export other than a connection:
# a message, an invitation, a recommendation, my own profile and positions, an
# application), kept as the provenance of what it made; not one of the person's cards.
MATCHED_BY = ("created", "uid", "profile", "email", "phone", "same card", "split", "row")
INFERRED_MATCHES = ("email", "phone")
NOT_A_CARD = "row"

# Reference list documents (crm refs export, the references screen's export form).
EXPORT_FORMATS = ("md", "txt", "csv", "json", "pdf", "html")
