"""Hypothesis profiles: `default` is deterministic (the same examples every run, so CI does not fail
on a new random draw); HYPOTHESIS_PROFILE=explore draws new examples, more of them."""
import os

from hypothesis import settings

settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=300, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
