"""Summarize a py-spy `--format raw` (collapsed stacks) profile: where the samples are.

    python bench/profile_summary.py PROFILE.txt [--top 25]

Prints the functions with the most samples on top of the stack (self) and in the stack at all
(inclusive), as shares of all samples, and a coarse split by package.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GROUPS = (
    ("graphql-core validation", ("graphql/validation", "graphql/utilities/type_info")),
    ("graphql-core parsing", ("graphql/language",)),
    ("graphql-core execution", ("graphql/execution",)),
    ("strawberry", ("strawberry/",)),
    ("tortoise / pypika", ("tortoise/", "pypika")),
    ("asyncpg", ("asyncpg/",)),
    (
        "portal code",  # py-spy names them relative to the server's working directory
        tuple(
            f"{p}{d}/"
            for d in ("schema", "resolvers", "notifications", "core", "routes")
            for p in "(/"
        ),
    ),
    ("starlette / uvicorn / websockets", ("starlette/", "uvicorn/", "websockets/", "h11")),
    ("json", ("json/",)),
    ("stdlib email (MIME build, flatten)", ("(email/",)),
    ("aiosmtplib", ("aiosmtplib/",)),
    ("worker threads", ("futures/thread.py",)),
    ("asyncio", ("asyncio/",)),
)


def frames(stack: str) -> list[str]:
    return [f for f in stack.split(";") if f]


def short(frame: str) -> str:
    match = re.match(r"(.*) \((.*):(\d+)\)", frame)
    if not match:
        return frame
    name, path, _ = match.groups()
    parts = path.split("site-packages/")[-1].split("/")
    return f"{name} ({'/'.join(parts[-2:])})"


def group_of(frame: str) -> str:
    for name, needles in GROUPS:
        if any(n in frame for n in needles):
            return name
    return "other"


def summarize(path: Path, top: int) -> None:
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        stack_frames = frames(stack)
        if not stack_frames:
            continue
        total += count
        leaf = stack_frames[-1]
        self_counts[short(leaf)] += count
        for frame in {short(f) for f in stack_frames}:
            inclusive[frame] += count
        # the innermost frame that belongs to a known group decides the group
        groups[
            next((group_of(f) for f in reversed(stack_frames) if group_of(f) != "other"), "other")
        ] += count
    print(f"{path}: {total} samples")
    print("by package (innermost known frame):")
    for name, count in groups.most_common():
        print(f"  {count / total:6.1%}  {name}")
    print(f"top {top} self:")
    for name, count in self_counts.most_common(top):
        print(f"  {count / total:6.1%}  {name}")
    print(f"top {top} inclusive:")
    for name, count in inclusive.most_common(top):
        print(f"  {count / total:6.1%}  {name}")


@contextmanager
def recording(pid: int, path: Path | None) -> Iterator[None]:
    """py-spy records `pid` while the block runs (if `path` is given and py-spy is installed)."""
    if path is None:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")
    process = subprocess.Popen(
        [str(spy), "record", "-p", str(pid), "-r", "100", "-f", "raw", "-o", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.send_signal(2)  # SIGINT: py-spy writes the profile and exits
        process.wait(timeout=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args()
    summarize(options.profile, options.top)
