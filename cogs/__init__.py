"""discord.py extensions, one per feature. Each module defines `async def setup(bot)`."""
