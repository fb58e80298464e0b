"""The cluster proof: a deployment of deploy/ on this machine (tests/cluster/harness.py)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a proof that runs at reduced size in `make test`, "
                                       "full size under `make prove` (PROVE_FULL=1)")
