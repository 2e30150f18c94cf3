"""``F``: a pydantic field with its description, as every model of the format declares its fields."""

from typing import Any

from pydantic import Field


def F(description: str, **kwargs: Any) -> Any:
    """A field with its description (every field has one: it feeds the schema and the docs)."""
    factory = kwargs.get("default_factory")
    if factory is list or factory is dict:
        # pydantic reads each factory's signature; a builtin's is parsed from its text on every
        # field (about a millisecond each at start-up), a Python function's is not.
        kwargs["default_factory"] = _new_list if factory is list else _new_dict
    return Field(description=description, **kwargs)


def _new_list() -> list[Any]:
    return []


def _new_dict() -> dict[Any, Any]:
    return {}
