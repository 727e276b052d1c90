"""Open loop and overload through the stand-in, for Crossroads and the bare discord.py echo bot.

Open loop: members think between clicks, so clicks arrive as a Poisson process at a fixed rate
(50, 100, 200, 300 clicks/s by default) and each click's latency counts from its scheduled
arrival to the response reaching the member: queueing is not hidden, as it is in a closed loop.

Overload: a closed loop of N = 500 members clicking as fast as they are answered, and an open
loop at 1.5x the highest rate the bot sustained (p99 under 3 s and no failed click). Counted in
every run: acknowledgements sent after Discord's 3 s (the stand-in refuses them with 10062),
clicks the member saw fail, and answers stored beyond the clicks answered (stored for a click
the member saw fail).

Usage: python benchmarks/bench_openloop.py [--rates 50 100 200 300] [--seconds 6] [--members 300]
       [--overload 500] [--skip-echo] [--synchronous full|normal]
Targets: p99 < 50 ms at 200 clicks/s (at DATABASE_SYNCHRONOUS=full, as shipped); in every
overload run 0 late acks and 0 answers stored for failed clicks; answers == clicks answered.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from benchmarks.clicks import Tally, bench, closed_loop, open_loop


def line(label: str, tally: Tally, *, crossroads: bool) -> str:
    rate = len(tally.latencies) / tally.seconds if tally.seconds else 0.0
    text = (
        f"{label:<22} {rate:6.1f}/s answered  p50 {tally.ms(50):7.1f}  p99 {tally.ms(99):7.1f} ms"
        f"  answered {tally.answered}  refused {tally.refused}  failed {tally.failed}  late acks {tally.late_acks}"
        f"  CPU/interaction {tally.cpu / max(1, tally.interactions) * 1000:.2f} ms  RSS {tally.peak_rss_mb:.0f} MB"
    )
    if crossroads:
        text += f"\n{'':<22} answers in db {tally.answers_in_db} vs answered {tally.answered}:"
        text += f" stored for failed clicks {tally.extra_answers}, lost {max(0, tally.answered - tally.answers_in_db)}"
    if tally.errors:
        text += f"\n{'':<22} errors {len(tally.errors)}: {tally.errors[:2]}"
    return text


def sustained(tally: Tally) -> bool:
    return tally.failed == 0 and tally.late_acks == 0 and tally.ms(99) < 3000


ENV: dict[str, str] = {}


async def run_open(rate: float, seconds: float, members: int, *, crossroads: bool) -> Tally:
    async with bench(members, crossroads=crossroads, env=ENV) as b:
        tally = await open_loop(b, rate, seconds)
        await asyncio.sleep(0.2)
        b.finish(tally)
    return tally


async def run_closed(members: int, clicks: int, *, crossroads: bool) -> Tally:
    async with bench(members, crossroads=crossroads, env=ENV) as b:
        tally = await closed_loop(b, clicks)
        await asyncio.sleep(0.2)
        b.finish(tally)
    return tally


async def main(args: argparse.Namespace) -> int:
    bots = [("crossroads", True)] if args.skip_echo else [("echo", False), ("crossroads", True)]
    ENV["DATABASE_SYNCHRONOUS"] = args.synchronous
    print(
        f"DATABASE_SYNCHRONOUS={args.synchronous}. Open loop: {args.seconds:g} s per rate, {args.members} members;"
        " latency from scheduled arrival."
    )
    best: dict[str, float] = {}
    for rate in args.rates:
        for name, crossroads in bots:
            tally = await run_open(rate, args.seconds, args.members, crossroads=crossroads)
            print(line(f"{name} {rate:g}/s", tally, crossroads=crossroads))
            if sustained(tally):
                best[name] = max(best.get(name, 0.0), rate)
            if crossroads and rate == 200:
                print(f"{'':<22} target p99 < 50 ms at 200/s: {'met' if tally.ms(99) < 50 else 'MISSED'}")
    if args.overload:
        print(
            f"Overload: closed loop N = {args.overload} ({args.clicks} clicks each), then open loop at 1.5x"
            " the highest sustained rate."
        )
        for name, crossroads in bots:
            tally = await run_closed(args.overload, args.clicks, crossroads=crossroads)
            print(line(f"{name} N={args.overload}", tally, crossroads=crossroads))
            if crossroads:
                verdict(tally)
        for name, crossroads in bots:
            rate = 1.5 * best.get(name, max(args.rates, default=100.0))
            tally = await run_open(rate, args.seconds, args.members, crossroads=crossroads)
            print(line(f"{name} {rate:g}/s", tally, crossroads=crossroads))
            if crossroads:
                verdict(tally)
    return 0


def verdict(tally: Tally) -> None:
    ok = tally.late_acks == 0 and tally.extra_answers == 0 and tally.answers_in_db == tally.answered
    print(
        f"{'':<22} targets 0 late acks, 0 answers for failed clicks, answers == answered: {'met' if ok else 'MISSED'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="*", default=[50, 100, 200, 300])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--overload", type=int, default=500, help="closed-loop members (0 to skip overload)")
    parser.add_argument("--clicks", type=int, default=4, help="clicks per member in the closed loop")
    parser.add_argument("--skip-echo", action="store_true")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full", help="Crossroads' flush level")
    sys.exit(asyncio.run(main(parser.parse_args())))
