"""Job hunting: applications, references (who vouches for you, the list you hand over) and
referrals."""
