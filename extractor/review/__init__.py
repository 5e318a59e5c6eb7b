"""The review page: a local web page for clearing low-confidence fields.

`extract review DIR|FILE...` (cli.py) serves `server.create_app` on 127.0.0.1: a queue of the
fields below the threshold, each next to the crop of the page it came from (pages.py), with
accept / correct / unreadable actions that go to the bulk store's audit log. Corrections are typed
like the record (corrections.py) and the corrected record is validated again (revalidate.py).
"""
