"""Phone-style vCard exports for the import benchmark: iPhone 3.0 cards with item groups,
labels, notes with commas and escapes, birthdays without a year, and some photos.

Deterministic for a size (the card count seeds the generator), so that a cached export
(``bench.cache.phone_export``) is the same file on every machine.
"""

from __future__ import annotations

import base64
import random
from pathlib import Path

FIRST = ["Ada", "Bo", "Chidi", "Dana", "Elif", "Farah", "Goran", "Hana", "Ivan", "Jia",
         "Kofi", "Lena", "Mei", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
         "Uma", "Véronique", "Wen", "Xavier", "Yuki", "Zoë", "Jürgen", "Søren", "Ngozi", "Ana"]
LAST = ["Okafor", "Chen", "Müller", "Raman", "García", "Kowalski", "Nakamura", "Smith",
        "Ivanova", "Haddad", "O'Brien", "Lefèvre", "Park", "Nguyen", "Schmidt", "Rossi"]
COMPANIES = ["Stripe, Inc.", "Acme Robotics", "Globex", "Initech", "Datadog",
             "Deutsche Bahn, Fernverkehr", "Café Société", "Hooli", "Umbrella Corp",
             "Wayne Enterprises", "Stark Industries", "Pied Piper"]
TITLES = ["Staff Engineer, Payments", "Recruiter", "Intern, Perception", "Engineering Manager",
          "Product Owner, Ticketing", "Designer", "Data Scientist", "CTO, Co-founder"]
PHOTO = base64.b64encode(bytes(range(256)) * 12).decode()  # ~3 KB, as phones embed thumbnails


def phone_card(i: int, rnd: random.Random) -> str:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    org = rnd.choice(COMPANIES).replace(",", "\\,")
    title = rnd.choice(TITLES).replace(",", "\\,")
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        f"N:{last};{first};;;", f"FN:{first} {last}",
        f"ORG:{org};", f"TITLE:{title}",
        f"item1.EMAIL;type=INTERNET;type=pref:{first.lower()}.{i}@example.com",
        "item1.X-ABLabel:_$!<Other>!$_",
        f"TEL;type=CELL;type=VOICE;type=pref:(415) 555-{i % 10000:04d}",
        f"TEL;type=WORK;type=VOICE:+1 212 {i % 1000:03d} {rnd.randint(1000, 9999)}",
        f"NOTE:Met at event {i}, talked about jobs, referrals; follow up\\nnext month.",
        f"BDAY;X-APPLE-OMIT-YEAR=1604:1604-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        f"item2.URL;type=pref:https\\://example.com/{i}", "item2.X-ABLabel:_$!<HomePage>!$_",
        "CATEGORIES:work,phone",
    ]
    if i % 10 == 0:
        photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO
        lines.append(photo[:75] + "".join("\r\n " + photo[j: j + 74]
                                          for j in range(75, len(photo), 74)))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def write_phone_export(path: Path, n: int) -> None:
    rnd = random.Random(n)
    path.write_text("".join(phone_card(i, rnd) for i in range(n)), encoding="utf-8",
                    newline="")


def write_unmapped_changed_export(source: Path, path: Path) -> None:
    """A later export of ``source`` in which every card's only change is a line crm does
    not map (an X- property added on the phone): each card is read again against its
    person's stored cards (crm.core.unmapped) and recorded."""
    text = source.read_bytes().decode("utf-8")
    path.write_text(text.replace("\r\nEND:VCARD", "\r\nX-BENCH-SEEN:again\r\nEND:VCARD"),
                    encoding="utf-8", newline="")


def write_changed_export(source: Path, path: Path) -> None:
    """A later export of ``source`` in which every card changed: each person has a new
    title (a job change: the old position closes, a new one opens) and a longer note."""
    text = source.read_bytes().decode("utf-8")
    text = text.replace("\r\nTITLE:", "\r\nTITLE:Senior ").replace(
        "\r\nNOTE:Met at event", "\r\nNOTE:Caught up again. Met at event")
    path.write_text(text, encoding="utf-8", newline="")
