"""A local stand-in for Discord, for end-to-end tests and a no-account preview of the bot.

server.py   the stand-in: REST under /api/v10 and the Gateway on 127.0.0.1 (StandIn)
gateway.py  Gateway sessions: HELLO, IDENTIFY, READY, dispatches, RESUME
state.py    the world it keeps (servers, roles, members, messages, interactions)
limits.py   what Discord refuses, with Discord's error shape
member.py   a member you can script: slash commands, clicks, reading replies and DMs
render.py   messages as text, the way a member reads them
harness.py  the real bot against it, in this process or as `python -m bot run`
script.py   the sandbox's script format; player.py plays it; cli.py is `python -m bot sandbox`
"""
