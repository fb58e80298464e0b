"""Reliability proofs: a real gunicorn server on loopback, killed and hammered.

They run in `make test` at a reduced size and in `make prove` (PROVE_FULL=1) at full size.
"""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a proof that runs at reduced size in `make test`, "
                                       "full size under `make prove` (PROVE_FULL=1)")
