"""Reference list documents (md, txt, csv, json, pdf, html)."""
