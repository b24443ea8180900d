"""The demo district, built in ordered steps that each app contributes from its own
`demo.py`:

    @demo_step(order=30)
    def study(demo: DemoContext) -> dict[str, Outcome]:
        ...

Steps share a DemoContext: the seed's random generator, the scale, and what earlier
steps built (the district's branches, leaders and cadres by code), so that a later app
hangs its rows on the same people. Every step writes through the audited write service,
so running the demo twice changes nothing."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    seed: int
    factor: float = 1.0  # size of the district: 1 is the article's, tests use less
    rng: random.Random = field(init=False)
    branches: list[str] = field(default_factory=list)  # 党支部 codes
    committees: list[str] = field(default_factory=list)  # 党委 / 党工委 / 党组 codes
    leaders: list[str] = field(default_factory=list)  # 县处级领导 人员编号
    cadres: list[str] = field(default_factory=list)  # 包联干部 人员编号
    members: dict[str, list[str]] = field(default_factory=dict)  # branch -> 人员编号
    shared: dict = field(default_factory=dict)  # anything else a step leaves for later ones

    def __post_init__(self):
        self.rng = random.Random(self.seed)


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[[DemoContext], dict]


demo_steps: list[DemoStep] = []
# (username, password, role label, organization code) of the demo's logins, printed by
# `taizhang demo`; the app that creates them adds them here.
demo_logins: list[tuple[str, str, str, str]] = []


def demo_step(order: int):
    def register(fn):
        name = f"{fn.__module__}.{fn.__name__}"
        if all(step.name != name for step in demo_steps):
            demo_steps.append(DemoStep(order, name, fn))
            demo_steps.sort(key=lambda s: s.order)
        return fn

    return register


def demo_run(*, seed: int, factor: float = 1.0) -> dict:
    """Run every step in order; {ledger name: Outcome} of what each wrote."""
    demo = DemoContext(seed=seed, factor=factor)
    outcomes = {}
    for step in demo_steps:
        outcomes.update(step.run(demo))
    return outcomes
