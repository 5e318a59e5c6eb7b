"""One test per sample in samples/: the real pipeline, in-process, against its golden JSON.

Guards against any silent change in what a bundled sample extracts to: a value, a footnote mark, a
confidence, a status, an issue. A failure lists every differing path with the golden and the new
value. When the change is an intended improvement, `make golden` rewrites the goldens (never in CI);
review `git diff samples/` before committing them.
"""
import pytest

from tests.golden import differences, extract_sample, golden_path, load, report, sample_inputs


@pytest.mark.parametrize("sample", sample_inputs(), ids=lambda p: p.name)
def test_sample_matches_golden(sample):
    gp = golden_path(sample)
    assert gp.exists(), f"samples/{sample.name} has no golden samples/{gp.name}: run `make golden` and review it"
    diffs = differences(load(gp.read_text(encoding="utf-8")), load(extract_sample(sample)))
    assert not diffs, report(sample, diffs)


def test_every_golden_has_its_sample():
    """A golden whose input was renamed or removed would otherwise sit there unchecked."""
    inputs = {golden_path(s).name for s in sample_inputs()}
    orphans = sorted(p.name for p in golden_path(sample_inputs()[0]).parent.glob("*.json") if p.name not in inputs)
    assert not orphans, f"goldens without a sample input: {orphans}"


def test_diff_names_the_changed_value():
    """The diff must point at the changed leaf, not just say 'differs' (a guard on the helper itself)."""
    old = {"record": {"shares": "757756"}, "fields": [{"path": "a", "confidence": 0.9}, {"path": "b", "confidence": 1.0}],
           "source": {"path": "/abs/x.pdf", "sha256": "0"}}
    new = {"record": {"shares": "757755"}, "fields": [{"path": "b", "confidence": 1.0}, {"path": "a", "confidence": 0.8}],
           "source": {"path": "samples/x.pdf", "sha256": "0"}, "elapsed_s": 1.5}
    import json
    diffs = differences(load(json.dumps(old)), load(json.dumps(new)))
    assert diffs == ['record.shares: golden "757756", now "757755"',
                     "fields[path=a].confidence: golden 0.9, now 0.8"]
