"""The ledger's refusal, in a module of its own: app.periods raises it too (a closed period refuses a
posting like any other ledger rule), and importing it from here keeps funds.services and
periods.services from importing each other."""
from app.core.refusal import Refusal


class FundError(Refusal):
    """A refused posting, with a Vietnamese message and the form field it concerns."""
