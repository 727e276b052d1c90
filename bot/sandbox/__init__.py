"""Crossroads against the Discord stand-in (the top-level `standin` package).

world.py    the Crossroads test server (roles a result can grant, #quiz-results) on a stand-in
harness.py  the real bot against it, in this process or as `python -m bot run`
script.py   the sandbox's script format; player.py plays it; cli.py is `python -m bot sandbox`
"""
