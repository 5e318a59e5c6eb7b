"""Templates are data checked against a schema when loaded (extractor/templates.py).

Guards against a template typo passing silently: an unknown key (`widht:`), a missing required
field, a column with neither field nor sub-columns, or a `field:` naming something the output
contract does not have (the value would just never appear). Each must be one clear line.
"""
from pathlib import Path

import pytest
import yaml

from extractor import model
from extractor.errors import ExtractError
from extractor.templates import TEMPLATE_DIR, TemplateError, bundled_templates, load_template, resolve_template

FORM4 = TEMPLATE_DIR / "form4.yaml"


def write_variant(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(FORM4.read_text(encoding="utf-8"))
    change(data)
    p = tmp_path / "variant.yaml"
    p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return p


def load_error(path: Path) -> str:
    with pytest.raises(TemplateError) as info:
        load_template(path)
    msg = info.value.message
    assert "\n" not in msg, f"not one line: {msg!r}"
    assert isinstance(info.value, ExtractError) and info.value.code == "bad_template"
    return msg


def test_bundled_templates_load():
    ids = [t.id for t in bundled_templates()]
    assert "form4" in ids and len(ids) == len(set(ids))


def test_unknown_top_level_key_is_rejected(tmp_path):
    msg = load_error(write_variant(tmp_path, lambda d: d.update(colour="blue")))
    assert "colour" in msg and "variant.yaml" in msg


def test_unknown_nested_key_is_rejected(tmp_path):
    msg = load_error(write_variant(tmp_path, lambda d: d["tables"][0]["columns"][0].update(widht=3)))
    assert "tables.0.columns.0.widht" in msg


def test_missing_required_key_is_rejected(tmp_path):
    msg = load_error(write_variant(tmp_path, lambda d: d.pop("name")))
    assert "name" in msg and "required" in msg.lower()


def test_column_without_field_or_sub_columns_is_rejected(tmp_path):
    def drop(d):
        col = d["tables"][0]["columns"][0]
        col.pop("field")
        col.pop("type", None)
    msg = load_error(write_variant(tmp_path, drop))
    assert "needs a field and a type" in msg


def test_blank_label_is_rejected(tmp_path):
    msg = load_error(write_variant(tmp_path, lambda d: d["boxes"][0].update(labels=["  "])))
    assert "label" in msg


def test_bad_yaml_is_one_line(tmp_path):
    """Guards against pasting str(yaml.YAMLError): an excerpt and a caret over several lines."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: form4\nname: [unclosed\n", encoding="utf-8")
    assert "not valid YAML" in load_error(bad)


def test_missing_template_file_is_one_line(tmp_path):
    assert "cannot read template" in load_error(tmp_path / "missing.yaml")


def test_unknown_template_id_lists_the_bundled_ones():
    with pytest.raises(TemplateError) as info:
        resolve_template("form9")
    assert "form9" in info.value.message and "form4" in info.value.message


ROW_MODELS = {"non_derivative": [model.NonDerivativeTransaction, model.NonDerivativeHolding],
              "derivative": [model.DerivativeTransaction, model.DerivativeHolding]}


@pytest.mark.parametrize("tmpl", bundled_templates(), ids=lambda t: t.id)
def test_every_template_field_is_a_contract_field(tmpl):
    """`field: share` instead of `shares` loads fine but the value would never come out."""
    record_fields = set(model.Record.model_fields)
    owner_fields = set(model.ReportingOwner.model_fields)
    for cb in tmpl.checkboxes:
        assert cb.field in record_fields, cb.field
    for box in tmpl.boxes:
        assert box.field is None or box.field in record_fields, box.field
    for table in tmpl.tables:
        row_fields = set().union(*(m.model_fields for m in ROW_MODELS[table.rows]))
        for leaf in table.leaves():
            assert leaf.field in row_fields, f"{table.id}: {leaf.field}"
            for implied in leaf.implies:
                assert implied in row_fields, f"{table.id}: {implied}"
    if tmpl.owners_grid:
        for col in tmpl.owners_grid.columns:
            assert col.field in owner_fields | {"name_address"}, col.field
