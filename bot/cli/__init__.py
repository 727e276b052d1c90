"""Terminal front ends beside `bot/__main__.py`: an outer layer like the cogs, over the same core.

ask.py   `python -m bot ask`: how the bot answers a question
quiz.py  `python -m bot quiz`: a quiz played in the terminal
"""
