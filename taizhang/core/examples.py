"""Example rows of any registered ledger, scoped to a given organization: what the
registry-driven contract tests (and a ledger's own tests) write.

Each ledger declares `example_row(ex)`; `ex.ref(name)` gives the key of a row of another
ledger in the same organization, writing one first when needed, so that a ledger whose
scope hangs on another's rows (a measure on its problem) needs nothing more."""

import itertools
from dataclasses import dataclass, field

from .ledger import registry
from .ledger_write import ledger_write

_serial = itertools.count(1)


class ExampleRefused(AssertionError):
    pass


@dataclass
class Example:
    org: str  # the organization code the row must be scoped to
    n: int = field(default_factory=lambda: next(_serial))
    _made: dict = field(default_factory=dict)

    def ref(self, ledger_name: str) -> str:
        """The key of a row of `ledger_name` in this organization (written once)."""
        if ledger_name not in self._made:
            self._made[ledger_name] = example_write(ledger_name, self.org)
        return self._made[ledger_name]


def example_write(ledger_name: str, org: str, actor=None) -> str:
    """Write one example row (as the operator, unless `actor`); returns its key."""
    ledger = registry[ledger_name]
    raw = ledger.example_row(Example(org=org))
    outcome = ledger_write(ledger=ledger, actor=actor, rows=[(None, raw)], mode="create")
    if not outcome.ok:
        raise ExampleRefused([p.line() for p in outcome.problems])
    return ledger.key.parse(raw[ledger.key.field])
