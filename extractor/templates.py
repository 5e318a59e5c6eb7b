"""Form templates: YAML files in `templates/`, checked against this schema when loaded."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import EXIT_USAGE, ExtractError

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

ValueType = Literal["text", "date", "number", "money", "code", "flag", "ad_code", "ownership_form"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _nonempty(v: list[str]) -> list[str]:
    if not v or any(not s.strip() for s in v):
        raise ValueError("needs at least one non-blank label")
    return v


class DetectSignal(_Strict):
    text: str
    weight: float


class Checkbox(_Strict):
    field: str
    labels: list[str]
    # every rendering of the form prints this box: when OCR garbled its label past matching, the
    # box is most likely blank (unchecked), not missing; unset for boxes only newer forms print
    always_printed: bool = False
    _check = field_validator("labels")(_nonempty)


class Box(_Strict):
    id: str
    parser: Literal["name_address", "issuer", "date", "relationship", "joint_filing"]
    labels: list[str]
    field: str | None = None
    _check = field_validator("labels")(_nonempty)


class NameAddress(_Strict):
    name_captions: list[str]         # (Last) (First) (Middle): follow the name
    street_captions: list[str]       # (Street): follows the street lines
    city_captions: list[str]         # (City) (State) (Zip), left to right
    relationship_heading: list[str] = []   # opens the relationship part of a repeated owner block


class Options(_Strict):
    options: dict[str, list[str]]
    boilerplate: list[str] = []
    tails: list[str] = []


class Marks(_Strict):
    checked: list[str]
    unchecked: list[str]


class SubColumn(_Strict):
    labels: list[str]
    field: str
    type: ValueType
    wraps: bool = False
    required: bool = False
    width: float = 1.0              # usual share of the column (relative to its siblings): places a missing sub-header
    implies: dict[str, str] = {}
    _check = field_validator("labels")(_nonempty)


class Column(_Strict):
    number: str
    labels: list[str]
    field: str | None = None
    type: ValueType | None = None
    wraps: bool = False
    anchor: bool = False
    required: bool = False          # every row shows a value here (used to split rows)
    width: float = 5.0              # usual width, % of the table: places a column whose header was not read
    sub: list[SubColumn] = []
    _check = field_validator("labels")(_nonempty)

    @model_validator(mode="after")
    def _field_or_sub(self) -> "Column":
        if not self.sub and not (self.field and self.type):
            raise ValueError(f"column {self.number} needs a field and a type, or sub-columns")
        return self

    def leaves(self) -> list["Leaf"]:
        if self.sub:
            return [Leaf(self.number, i, tuple(s.labels), s.field, s.type, s.wraps, False, dict(s.implies), s.required)
                    for i, s in enumerate(self.sub)]
        return [Leaf(self.number, None, tuple(self.labels), self.field, self.type, self.wraps, self.anchor, {},
                     self.required or self.anchor)]


@dataclass(frozen=True)
class Leaf:
    """One data column of a table: a column or one of its sub-columns."""
    number: str
    sub_index: int | None
    labels: tuple[str, ...]
    field: str
    type: str
    wraps: bool
    anchor: bool
    implies: dict[str, str]
    required: bool = False

    @property
    def key(self) -> str:
        return self.number if self.sub_index is None else f"{self.number}.{self.sub_index}"


class Table(_Strict):
    id: str
    rows: Literal["non_derivative", "derivative"]
    holdings_only: bool = False
    caption: list[str]
    columns: list[Column]

    def leaves(self) -> list[Leaf]:
        return [leaf for c in self.columns for leaf in c.leaves()]


class Sections(_Strict):
    footnotes: list[str]
    remarks: list[str]
    owners_grid: list[str] = []
    signatures_heading: list[str] = []
    signature_captions: list[str]
    signature_date_caption: list[str]
    boilerplate: list[str] = []


class GridColumn(_Strict):
    labels: list[str]
    field: str


class OwnersGrid(_Strict):
    columns: list[GridColumn]


class Template(_Strict):
    id: str
    name: str
    document_types: list[str]
    amended_document_type: str
    detect: list[DetectSignal] = Field(min_length=1)
    checkboxes: list[Checkbox] = []
    boxes: list[Box]
    name_address: NameAddress
    relationship: Options
    joint_filing: Options
    marks: Marks
    tables: list[Table]
    sections: Sections
    owners_grid: OwnersGrid | None = None

    def box(self, box_id: str) -> Box | None:
        return next((b for b in self.boxes if b.id == box_id), None)

    def boxes_by_parser(self, parser: str) -> list[Box]:
        return [b for b in self.boxes if b.parser == parser]


class TemplateError(ExtractError):
    code = "bad_template"
    exit_code = EXIT_USAGE          # a bad --template is a usage error, not a bad input


def _deep_merge(base: dict, over: dict) -> dict:
    """`over` on top of `base`: mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read_yaml(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """A template's data, with `extends: <file>` resolved (the form it differs from)."""
    # libyaml's loader where PyYAML has it: the pure-Python one takes 0.18 s for the bundled
    # templates, paid by every `extract` process
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise TemplateError(f"template {path}: expected a mapping of keys")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    base_path = (path.parent / parent).resolve()
    if base_path in seen:
        raise TemplateError(f"template {path}: `extends` loops back to {base_path.name}")
    return _deep_merge(_read_yaml(base_path, seen + (path.resolve(),)), data)


def load_template(path: Path) -> Template:
    try:
        return Template.model_validate(_read_yaml(path))
    except OSError as e:
        raise TemplateError(f"cannot read template {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise TemplateError(f"template {path} is not valid YAML{where}: {getattr(e, 'problem', None) or 'syntax error'}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TemplateError(f"template {path}: {where}: {first['msg']}") from None


@lru_cache(maxsize=None)
def bundled_templates() -> tuple[Template, ...]:
    return tuple(load_template(p) for p in sorted(TEMPLATE_DIR.glob("*.yaml")))


def resolve_template(name_or_path: str | None) -> list[Template]:
    """`--template`: a bundled template id or a YAML path; None means every bundled template."""
    if name_or_path is None:
        return list(bundled_templates())
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return [load_template(p)]
    for t in bundled_templates():
        if t.id == name_or_path:
            return [t]
    known = ", ".join(t.id for t in bundled_templates())
    raise TemplateError(f"no template {name_or_path!r} (bundled: {known})")
