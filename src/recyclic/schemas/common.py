"""Types shared by every schema: money, weights, pages of results, the error body."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from recyclic.utils.formatting import cents_to_json, euros_to_cents, grams_to_json, kg_to_grams


def _euros_in(value: Any) -> int:
    return euros_to_cents(value)


def _kg_in(value: Any) -> int:
    return kg_to_grams(value)


# The API speaks euros (≤ 2 decimals) and kilograms (≤ 3 decimals); the Python value of these
# fields is already integer cents / grams, so services never see a float.
Euros = Annotated[
    int,
    BeforeValidator(_euros_in),
    PlainSerializer(cents_to_json, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "multipleOf": 0.01, "description": "Montant en euros"}),
]
Kilograms = Annotated[
    int,
    BeforeValidator(_kg_in),
    PlainSerializer(grams_to_json, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "multipleOf": 0.001, "description": "Poids en kg"}),
]

# Response-side twins: the value is already cents / grams (read from a row) and is only
# rendered as euros / kilograms.
CentsAsEuros = Annotated[
    int,
    PlainSerializer(cents_to_json, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "multipleOf": 0.01, "description": "Montant en euros"}),
]
GramsAsKg = Annotated[
    int,
    PlainSerializer(grams_to_json, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "multipleOf": 0.001, "description": "Poids en kg"}),
]

BasisPointsAsPercent = Annotated[
    int,
    PlainSerializer(lambda bp: bp / 100, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "description": "Pourcentage (20 = 20 %)"}),
]


class Schema(BaseModel):
    """Base of request and response bodies: unknown fields refused, ORM objects readable."""

    # Built at import, unlike the answers below: FastAPI wraps a request body with settings
    # of its own that pydantic warns about when the build happens later, outside FastAPI.
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class PatchSchema(Schema):
    """A partial change: absent fields stay as they are; `null` is accepted only for the
    fields listed in `nullable` (it clears them) and refused with a 422 for the others."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _null_only_where_clearable(self) -> Self:
        for name in self.model_fields_set:
            if name not in self.nullable and getattr(self, name) is None:
                raise ValueError(f"« {name} » ne peut pas être vidé (null)")
        return self


class ResponseSchema(BaseModel):
    """Base of response bodies (tolerant of extra attributes on the source object).

    Built on first use (`defer_build`), not at import: FastAPI wraps every answer model again
    for each route that returns it, and building them all at start-up was a good part of the
    app's start-up time. A route's first request pays for its own models, once."""

    model_config = ConfigDict(from_attributes=True, defer_build=True)


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list; pass `next_cursor` back as `?cursor=` for the next one."""

    model_config = ConfigDict(defer_build=True)  # as ResponseSchema

    items: list[ItemT]
    next_cursor: str | None = None


class ErrorBody(BaseModel):
    """Every error answer."""

    model_config = ConfigDict(defer_build=True)  # as ResponseSchema

    detail: str = Field(description="Message en français, lisible par une personne.")
    code: str = Field(description="Code stable, pour les programmes.")
    request_id: str | None = None


class FieldError(BaseModel):
    """One refused field of a 422."""

    model_config = ConfigDict(defer_build=True)  # as ResponseSchema

    field: str = Field(description="Chemin du champ (`lines.0.quantity`), vide pour le corps.")
    message: str = Field(description="Ce qui ne va pas, en français.")


class ValidationErrorBody(ErrorBody):
    """A 422 `validation_error`: the summary, then each refused field."""

    errors: list[FieldError] = Field(default_factory=list)


LimitParam = Annotated[int, Field(ge=1, le=500)]


def _ticket_width(value: int) -> int:
    if value not in (32, 48):
        raise ValueError("largeur de ticket : 32 ou 48 colonnes")
    return value


# Thermal printers print 32 (58 mm paper) or 48 (80 mm paper) columns.
TicketWidth = Annotated[
    int,
    AfterValidator(_ticket_width),
    WithJsonSchema({"type": "integer", "enum": [32, 48]}),
]
