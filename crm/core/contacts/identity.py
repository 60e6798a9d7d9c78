"""Whether two records can be about the same person, and which mail domains name an employer.

A shared phone or email is strong evidence only when the names agree: a switchboard number,
a family landline or a team inbox is shared by people who are not the same. A word stands
for another when it is the same, its initial, or a prefix of three letters or more ("Jon" for
"Jonathan", "P." for "Priya"). A name that is only an address or a number (a card with no FN)
agrees with anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crm.core.normalize import email_domain, fold, words

# Mail providers whose users work anywhere: their domain says nothing about an employer.
FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de", "yandex.ru", "yandex.com",
    "mail.ru", "qq.com", "163.com", "126.com", "fastmail.com", "fastmail.fm", "hey.com",
    "zoho.com", "orange.fr", "free.fr", "laposte.net", "libero.it", "naver.com", "rediffmail.com",
    "tutanota.com", "mailbox.org", "posteo.de", "comcast.net", "verizon.net", "att.net",
})


def _name_words(name: str | None) -> list[str]:
    if not name or "@" in name or not any(ch.isalpha() for ch in name):
        return []
    return words(name)


def _stands_for(short: str, long: str) -> bool:
    if short == long:
        return True
    if len(short) == 1:
        return long.startswith(short)
    return len(short) >= 3 and long.startswith(short)


def _covered(few: list[str], many: list[str]) -> bool:
    pool = list(many)
    for w in few:
        hit = next((m for m in pool if _stands_for(w, m) or _stands_for(m, w)), None)
        if hit is None:
            return False
        pool.remove(hit)
    return True


def same_name(a: str, b: str) -> bool:
    """The same name letter for letter, case, accents and outer spaces aside ("Zoë Müller",
    "zoe muller"): what an import, ``crm show`` and a split call a card "of another name"
    by (a nickname is another name here; whether two names can be one person's is
    ``names_agree``)."""
    return fold(a).strip() == fold(b).strip()


def names_agree(a: str | None, b: str | None) -> bool:
    """False when two names clearly belong to different people: no word in common ("Mom",
    "Jane Doe"), or only a family name, their given names differing ("Alice Chen",
    "Bob Chen"). "Ada Lovelace" and "Augusta Ada King" agree (a name changed, "Ada" kept)."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return True
    few, many = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if _covered(few, many):
        return True

    def found(word: str, pool: list[str]) -> bool:
        return any(_stands_for(word, w) or _stands_for(w, word) for w in pool)

    if not any(found(w, wb) for w in wa):
        return False
    # A word in common: the same person unless the given names clearly differ.
    return found(wa[0], wb) or found(wb[0], wa)


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract  # deferred: only imports and company lookups need it

    # The Public Suffix List snapshot tldextract ships: no network, no cache files.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def _registered(domain: str) -> str:
    parts = _extractor()(domain)
    # tldextract 5.4 renamed registered_domain; either names "stripe.co.uk".
    if hasattr(parts, "top_domain_under_public_suffix"):
        return str(parts.top_domain_under_public_suffix or domain)
    return str(parts.registered_domain or domain)


def registered_domain(domain: str) -> str:
    """The domain an organisation registered: eng.stripe.co.uk -> stripe.co.uk."""
    domain = domain.strip().strip(".").casefold()
    if not domain or "." not in domain:
        return domain
    return _registered(domain)


def employer_domain(email: str) -> str | None:
    """The registered domain of a work address, or None for a free-mail one."""
    dom = email_domain(email)
    if not dom or "." not in dom:
        return None
    reg = registered_domain(dom)
    if reg in FREE_MAIL or dom in FREE_MAIL:
        return None
    return reg
