"""A local stand-in for Discord: REST under /api/v10 and the Gateway on 127.0.0.1.

It imports nothing from the bot it serves, so any discord.py bot can be tested against it.

server.py   the stand-in itself (StandIn)
gateway.py  Gateway sessions: HELLO, IDENTIFY, READY, dispatches, RESUME
state.py    the world it keeps (servers, roles, members, messages, interactions)
limits.py   what Discord refuses, with Discord's error shape
member.py   a member you can script: slash commands, clicks, reading replies and DMs
render.py   messages as text, the way a member reads them
"""
