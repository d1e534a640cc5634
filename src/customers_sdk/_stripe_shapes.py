"""The base of the objects nested in a Stripe customer: the wire's dict, typed attributes on it.

A wide Stripe customer holds some ten nested objects (address, shipping and its address, invoice
settings, custom fields, a discount...). As pydantic models each would cost pydantic-core a
model instance, twice what keeping it as a dict costs, and that made a walk of wide customers
over a third slower (see ``docs/benchmarks.md``). So a nested object keeps the dict pydantic-core
built, and its attributes read that dict: one Python call per object a customer holds directly,
its own nested objects made only when read. A customer's own nested objects do not even cost
that call: its fields keep their dicts (see ``AsDict``), made objects when read. The dict is
also what ``to_dict()`` gives back, so
Stripe's JSON comes back as sent, unknown keys included, and an unknown enum value is just a
string. Like stripe-python's objects, values are not checked against their types.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Generic, TypeVar, overload

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["AsDict", "Expandable", "Nested", "Object", "Objects", "Shape", "ShapeT", "Value"]

# The key of a shape's core schema metadata that holds its class (read by AsDict).
_SHAPE_KEY = "customers_sdk_shape"

T = TypeVar("T")
ShapeT = TypeVar("ShapeT", bound="Shape")


class Shape:
    """A Stripe object held as the wire's dict, with typed attributes (subclasses declare them
    with :class:`Value`, :class:`Object`, :class:`Objects` and :class:`Expandable`)."""

    __slots__ = ("_raw",)
    fields: ClassVar[frozenset[str]] = frozenset()
    """The keys this class types; any other key is kept and listed in :attr:`extra`."""

    def __init__(self, **values: Any) -> None:
        self._raw: dict[str, Any] = {
            key: value.to_dict() if isinstance(value, Shape) else value
            for key, value in values.items()
        }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = {name for name, v in vars(cls).items() if isinstance(v, Value)}
        cls.fields = frozenset(declared | cls.fields)

    @classmethod
    def of(cls: type[ShapeT], raw: dict[str, Any]) -> ShapeT:
        """The object over ``raw`` (not copied: the wire's dict, as pydantic-core built it)."""
        shape = object.__new__(cls)
        shape._raw = raw
        return shape

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A JSON object becomes the shape in one call; an instance passes as it is.
        return core_schema.union_schema(
            [
                core_schema.no_info_after_validator_function(cls.of, core_schema.dict_schema()),
                core_schema.is_instance_schema(cls),
            ],
            mode="left_to_right",
            serialization=core_schema.plain_serializer_function_ser_schema(
                _dump, when_used="always"
            ),
            metadata={_SHAPE_KEY: cls},
        )

    @property
    def extra(self) -> dict[str, Any]:
        """Keys the server sent that this class does not type."""
        return {key: value for key, value in self._raw.items() if key not in self.fields}

    def to_dict(self) -> dict[str, Any]:
        """The object as Stripe sent it (a copy), unknown keys included."""
        return copy.deepcopy(self._raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shape):
            return NotImplemented
        return type(self) is type(other) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]  # mutable underneath, as a dict is

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._raw.items() if v is not None)
        return f"{type(self).__name__}({shown})"

    def __getattr__(self, name: str) -> Any:
        # An unknown key reads as an attribute too, as on the pydantic models.
        raw = object.__getattribute__(self, "_raw")
        if name in raw and not name.startswith("_"):
            return raw[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _dump(value: Shape | dict[str, Any]) -> dict[str, Any]:
    # A shape, or the dict a customer read from the wire holds in its place (see Nested).
    return value.to_dict() if isinstance(value, Shape) else copy.deepcopy(value)


class AsDict:
    """The annotation of a model field of type ``Shape | None``: the field holds the shape's
    dict, for a :class:`Nested` on the class to make it the shape when read.

    Reading a page then costs no Python call per nested object (a wide Stripe customer holds
    four: ~3 of its ~15.5 us, measured), only per object read. A shape given to the model is held
    as its dict too (not copied, as ``Shape.of`` does not copy), so two models of the same JSON
    are equal however they were built.

    Example:
        >>> from typing import Annotated
        >>> from pydantic import TypeAdapter
        >>> from customers_sdk import Address
        >>> TypeAdapter(Annotated[Address | None, AsDict]).validate_python(Address(city="Oslo"))
        {'city': 'Oslo'}
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _shapes_as_dicts(handler(source))  # type: ignore[no-any-return]


def _shapes_as_dicts(schema: Any) -> Any:
    # Through dicts only: made for a field of type `Shape | None` (a nullable schema).
    if not isinstance(schema, dict):
        return schema
    shape = (schema.get("metadata") or {}).get(_SHAPE_KEY)
    if shape is None:
        return {key: _shapes_as_dicts(value) for key, value in schema.items()}
    return core_schema.union_schema(
        [
            core_schema.dict_schema(),
            core_schema.no_info_after_validator_function(
                _raw, core_schema.is_instance_schema(shape)
            ),
        ],
        mode="left_to_right",
        serialization=schema["serialization"],
    )


def _raw(shape: Shape) -> dict[str, Any]:
    return shape._raw


class Nested(Generic[ShapeT]):
    """The class attribute of a model field annotated with :class:`AsDict`: it reads the
    field's dict as a ``shape``. Not cached: each read is a new shape over the same dict (equal,
    not identical). A shape assigned to the field (pydantic writes it without calling this)
    reads back as it is.

    Example:
        >>> from customers_sdk import StripeCustomer
        >>> StripeCustomer.model_construct(address={"city": "Oslo"}).address.city
        'Oslo'
    """

    __slots__ = ("name", "shape")

    def __init__(self, name: str, shape: type[ShapeT]) -> None:
        self.name = name
        self.shape = shape

    @overload
    def __get__(self, instance: None, owner: type) -> Nested[ShapeT]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> ShapeT | None: ...
    def __get__(self, instance: object | None, owner: type) -> Nested[ShapeT] | ShapeT | None:
        if instance is None:
            return self
        value = instance.__dict__.get(self.name)
        return self.shape.of(value) if type(value) is dict else value

    def __set__(self, instance: object, value: Any) -> None:
        # Only makes this a data descriptor, read before the instance's __dict__: pydantic's
        # own __setattr__ writes a field's value without calling it.
        instance.__dict__[self.name] = value


class Value(Generic[T]):
    """An attribute that reads the wire's value under its own name (``None`` when absent)."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, shape: None, owner: type) -> Value[T]: ...
    @overload
    def __get__(self, shape: Shape, owner: type) -> T: ...
    def __get__(self, shape: Shape | None, owner: type) -> Value[T] | T:
        if shape is None:
            return self
        return self._read(shape._raw.get(self.name))  # type: ignore[no-any-return]

    def _read(self, value: Any) -> Any:
        return value


class Object(Value[ShapeT | None]):
    """An attribute holding a nested object, made a :class:`Shape` when read."""

    __slots__ = ("shape",)

    def __init__(self, shape: type[ShapeT]) -> None:
        self.shape = shape

    def _read(self, value: Any) -> Any:
        return self.shape.of(value) if isinstance(value, dict) else value


class Objects(Value[list[ShapeT] | None]):
    """An attribute holding a list of nested objects."""

    __slots__ = ("shape",)

    def __init__(self, shape: type[ShapeT]) -> None:
        self.shape = shape

    def _read(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [self.shape.of(v) if isinstance(v, dict) else v for v in value]


class Expandable(Value[str | ShapeT | None]):
    """An attribute ``expand`` can fill: the id, or the object once expanded."""

    __slots__ = ("shape",)

    def __init__(self, shape: type[ShapeT]) -> None:
        self.shape = shape

    def _read(self, value: Any) -> Any:
        return self.shape.of(value) if isinstance(value, dict) else value
