"""The books across domains: who owns each ledger and goods entry (owners.py) and the checks
that every invariant of the money and goods books holds (checks.py)."""
