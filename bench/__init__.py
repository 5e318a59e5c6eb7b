"""`make bench` and the helpers it shares with the tests (bench/word_agreement.py)."""
