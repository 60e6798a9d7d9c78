"""The networking agenda: keep-in-touch intervals, follow-up to-dos, the day's agenda, its
iCalendar export, intro requests and the interview prep sheet."""
