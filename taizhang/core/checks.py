"""System checks of the ledger declarations (`manage.py check`, run by every command)."""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from .ledger import registry


@checks.register()
def ledger_declarations(app_configs, **kwargs):
    errors = []
    trees = [lg.name for lg in registry.values() if lg.tree]
    if len(trees) != 1:
        errors.append(
            checks.Error(
                f"exactly one ledger must declare tree = True, found {trees}", id="taizhang.E001"
            )
        )
    for ledger in registry.values():
        for column in ledger.columns:
            try:
                ledger.model._meta.get_field(column.attr)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(
                        f"ledger {ledger.name}: column {column.field} names no field "
                        f"{column.attr!r} of {ledger.model.__name__}",
                        id="taizhang.E002",
                    )
                )
            for target in column.targets:
                if target not in registry:
                    errors.append(
                        checks.Error(
                            f"ledger {ledger.name}: column {column.field} refers to the "
                            f"unregistered ledger {target!r}",
                            id="taizhang.E003",
                        )
                    )
        if ledger.scope_path is not None and not any(
            index.fields == ["scope_path"] and index.condition is not None
            for index in ledger.model._meta.indexes
        ):
            errors.append(
                checks.Error(
                    f"ledger {ledger.name}: {ledger.model.__name__} lacks the partial index on "
                    "scope_path (declare class Meta(LedgerModel.Meta))",
                    id="taizhang.E005",
                )
            )
        if ledger.date_field is not None:
            column = next((c for c in ledger.columns if c.field == ledger.date_field), None)
            if column is None or column.kind.name not in ("date", "datetime"):
                errors.append(
                    checks.Error(
                        f"ledger {ledger.name}: date_field {ledger.date_field!r} is not a date "
                        "or datetime column",
                        id="taizhang.E004",
                    )
                )
    return errors
