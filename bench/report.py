"""Turns the hyperfine JSON exports of bench/run.sh into bench/RESULTS.md (stdout)."""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

# `report.py --history WORK`: the `scan --history` section alone
# (`bench/run.sh history`).
HISTORY_ONLY = sys.argv[1] == "--history"
if HISTORY_ONLY:
    work = sys.argv[2]
else:
    work, requests, ghenv_found, grep_found, mem_init, mem_run, mem_scan, size = sys.argv[1:9]


def results(name):
    with open(os.path.join(work, name + ".json")) as f:
        return json.load(f)["results"]


def ms(r):
    return r["median"] * 1000


def label(cmd):
    # Shorten temp paths so the table reads well.
    parts = []
    for p in cmd.split():
        if p.startswith("/") and os.path.basename(p) not in ("null",):
            p = os.path.basename(p)
        parts.append(p)
    # A | inside a table cell ends the cell, code span or not.
    return " ".join(parts).replace("|", "\\|")


def table(rows, base):
    out = ["| command | median | ratio to `" + label(base["command"]) + "` |", "|---|---:|---:|"]
    for r in rows:
        out.append(f"| `{label(r['command'])}` | {ms(r):.2f} ms | {ms(r) / ms(base):.2f}x |")
    return "\n".join(out)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def median_invocation(name, ratio):
    """Of NAME_1..3, the results whose ratio is the median one."""
    runs = sorted((results(f"{name}_{i}") for i in (1, 2, 3)), key=ratio)
    return runs[1]


def by(rows, word):
    return next(r for r in rows if word in r["command"])


def verdict_of(ok):
    return "met" if ok else "**missed**"


FLOOR = "--no-object-names"
HISTORIES = (("h1k", "1,000 commits"), ("h10k", "10,000 commits"), ("repo", "this repository"))
history = {h: results("history_" + h) for h, _ in HISTORIES}
hist_mem_1k = int(os.environ.get("HIST_MEM_1K", "0"))
hist_mem_10k = int(os.environ.get("HIST_MEM_10K", "0"))


def floor_ratio(h):
    return ms(by(history[h], "ghenv")) / ms(by(history[h], FLOOR))


def hist_ratio(h):
    return ms(by(history[h], "ghenv")) / ms(by(history[h], "git log -p"))


def gitleaks_ratio(h):
    leaks = [r for r in history[h] if "gitleaks" in r["command"]]
    if not leaks:
        return None
    return ms(leaks[0]) / ms(by(history[h], "ghenv"))


history_targets = [
    *[(f"`scan --history` within 1.5x of git reading every blob ({name})", f"{floor_ratio(h):.2f}x", floor_ratio(h) <= 1.5)
      for h, name in HISTORIES],
    *[(f"`scan --history` no slower than `git log -p --all \\| grep -E` ({name})", f"{hist_ratio(h):.2f}x the time", hist_ratio(h) <= 1.0)
      for h, name in HISTORIES],
    ("`scan --history` memory flat from 1,000 to 10,000 commits (ghenv's own, within 1.5x)",
     f"{hist_mem_1k / 1024:.1f} / {hist_mem_10k / 1024:.1f} MiB", 0 < hist_mem_10k <= 1.5 * hist_mem_1k),
]


def gitleaks_line(h):
    r = gitleaks_ratio(h)
    return "gitleaks was not available" if r is None else f"gitleaks takes {r:.1f}x ghenv's time"


history_section = f"""## `ghenv scan --history` against git's own floor

Histories from `bench/gen_history.py`: 200 files of about 4 KB, three changed
in every commit, one token added at 40% and deleted at 60% (ghenv found
{os.environ.get('HIST_FOUND', '?')} in the 10,000-commit one). The floor is git
inflating every blob of the history once and handing it over, with nothing
done to it: `git rev-list --all --objects --no-object-names
--filter=object:type=blob --filter-provided-objects | git cat-file --batch |
wc -c`. The same pipeline without `--no-object-names` reads no blob at all
(`cat-file` takes `<id> <path>` as an object name and answers "missing" for
each): it is shown as what the floor is not. `git log --all --raw` is the pass
that names the commits of what was found (ghenv runs it only then, beside the
reading); `git log -p | grep` and gitleaks are what people use instead.
Ten runs each; load average (1, 5, 15 min) before and after each table:
{os.environ.get('HISTORY_LOAD', '?')}.

1,000 commits ({gitleaks_line('h1k')}):

{table(history['h1k'], by(history['h1k'], FLOOR))}

10,000 commits ({gitleaks_line('h10k')}):

{table(history['h10k'], by(history['h10k'], FLOOR))}

This repository, {os.environ.get('REPO_COMMITS', '?')} commits ({gitleaks_line('repo')}):

{table(history['repo'], by(history['repo'], FLOOR))}

Peak memory of ghenv itself (VmHWM, `bench/peak_self.py`; the git processes
it starts are not counted): {hist_mem_1k / 1024:.1f} MiB for 1,000 commits,
{hist_mem_10k / 1024:.1f} MiB for 10,000.
"""

if HISTORY_ONLY:
    print(f"""Produced by `bench/run.sh history` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')};
{os.environ.get('BENCH_VERSIONS', '')}. Load average at the start: {os.environ.get('BENCH_LOAD', '?')}.

| target | result | |
|---|---|---|
""" + "\n".join(f"| {t} | {r} | {verdict_of(ok)} |" for t, r, ok in history_targets) + "\n\n" + history_section)
    sys.exit(0)


startup = median_invocation("startup", lambda rs: ms(rs[0]) / ms(rs[1]))
run = median_invocation("run", lambda rs: ms(by(rs, "ghenv")) / ms(by(rs, "env VAR")))
run_first = results("run_1")
check = results("check")
scan = results("scan")
check_runs = 5 + 100  # warmup + runs
per_check = int(requests) / check_runs

ghenv_version, true_ = startup
ghenv_run, env_run, age_run = by(run, "ghenv"), by(run, "env VAR"), by(run, "age -d")
dotenvx_run = by(run_first, "dotenvx")
dotenvx_ratio = ms(dotenvx_run) / ms(by(run_first, "ghenv"))
ghenv_scan, git_grep, git_grep_p, rg = scan[:4]
gitleaks_dir = scan[4] if len(scan) > 4 else None
sized = {t: results("scan_" + t) for t in ("tree10m", "tree1g")}
sized["tree100m"] = scan
mem_scan_1g = int(os.environ.get("MEM_SCAN_1G", "0"))
mem_scan_100m = int(os.environ.get("MEM_SCAN_100M", "0"))


def ratio(rows, word, base_word):
    """The median time of the command with `word` over that with `base_word`."""
    return ms(by(rows, word)) / ms(by(rows, base_word))


def vs_grep_p(t):
    return ratio(sized[t], "ghenv", "grep -P")


walk = results("walk")
ghenv_walk, rg_walk = walk
unlock = results("unlock")
ghenv_unlock, age_unlock = unlock
mb = 1024


def verdict(ok):
    return "met" if ok else "**missed**"


doctor = results("doctor")
ghenv_doctor = next(r for r in doctor if "doctor" in r["command"])
git_status = next(r for r in doctor if "git status" in r["command"])

with open(os.path.join(work, "proxy.json")) as f:
    proxy = json.load(f)
p50_over = proxy["ghenv"]["p50"] - proxy["direct"]["p50"]
p99_over = proxy["ghenv"]["p99"] - proxy["direct"]["p99"]

targets = [
    ("`run` within 1.2x of `env VAR=x true`", f"{ms(ghenv_run) / ms(env_run):.2f}x", ms(ghenv_run) <= 1.2 * ms(env_run)),
    ("`run` far ahead of dotenvx", f"{dotenvx_ratio:.0f}x faster", dotenvx_ratio >= 5),
    ("start-up within 2x of `true`", f"{ms(ghenv_version) / ms(true_):.2f}x", ms(ghenv_version) <= 2 * ms(true_)),
    ("scan at least as fast as `git grep`", f"{ms(ghenv_scan) / ms(git_grep):.2f}x the time", ms(ghenv_scan) <= ms(git_grep)),
    *[(f"scan at least as fast as `git grep -P` ({name})", f"{vs_grep_p(t):.2f}x the time", vs_grep_p(t) <= 1.0)
      for t, name in (("tree10m", "10 MB"), ("tree100m", "100 MB"), ("tree1g", "1 GB"))],
    ("scan memory flat: at most 16 MiB at 1 GB (ghenv's own)",
     f"{mem_scan_100m / 1024:.1f} MiB at 100 MB, {mem_scan_1g / 1024:.1f} MiB at 1 GB", 0 < mem_scan_1g <= 16 * 1024),
    ("scan at least 9x faster than gitleaks (GitHub rules only)",
     "gitleaks unavailable" if gitleaks_dir is None else f"{ms(gitleaks_dir) / ms(ghenv_scan):.1f}x faster",
     gitleaks_dir is not None and ms(gitleaks_dir) >= 9 * ms(ghenv_scan)),
    ("scan of a folder faster than `rg`", f"{ms(ghenv_walk) / ms(rg_walk):.2f}x the time", ms(ghenv_walk) < ms(rg_walk)),
    ("`run` within 1.3x of `env VAR=x true`", f"{ms(ghenv_run) / ms(env_run):.2f}x", ms(ghenv_run) <= 1.3 * ms(env_run)),
    ("`run` at most 0.8x of `age -d`", f"{ms(ghenv_run) / ms(age_run):.2f}x", ms(ghenv_run) <= 0.8 * ms(age_run)),
    ("`unlock` faster than `age -d -o`", f"{ms(ghenv_unlock) / ms(age_unlock):.2f}x the time", ms(ghenv_unlock) < ms(age_unlock)),
    ("start-up within 1.5x of `true`", f"{ms(ghenv_version) / ms(true_):.2f}x", ms(ghenv_version) <= 1.5 * ms(true_)),
    *history_targets,
    ("one HTTP request per `check`", f"{per_check:.2f}", per_check == 1),
    ("proxy overhead p50 under 1 ms", f"{p50_over:.2f} ms", p50_over < 1),
    ("proxy overhead p99 under 5 ms", f"{p99_over:.2f} ms", p99_over < 5),
    ("proxy: 200 concurrent requests without an error", f"{proxy['ghenv_errors']} errors", proxy["ghenv_errors"] == 0),
    ("proxy memory under 20 MiB", f"{proxy['ghenv_peak_kib'] / 1024:.1f} MiB", proxy["ghenv_peak_kib"] < 20 * 1024),
    ("`doctor --offline` under 1 s (node_modules of 30,000 files, 1,000 commits)", f"{ms(ghenv_doctor):.0f} ms", ms(ghenv_doctor) < 1000),
    ("binary under 6 MB", f"{int(size) / 1024 / 1024:.2f} MiB", int(size) < 6 * 1024 * 1024),
    ("peak memory under 15 MB (init, run, scan)", f"{int(mem_init) / mb:.1f} / {int(mem_run) / mb:.1f} / {int(mem_scan) / mb:.1f} MiB",
     max(int(mem_init), int(mem_run), int(mem_scan)) < 15 * 1024),
]

cpu = sh("lscpu | awk -F: '/Model name/ {print $2}' | sed 's/^ *//'") or platform.processor()
print(f"""# Benchmark results

Produced by `bench/run.sh` on {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.
Machine: {cpu or 'unknown CPU'}, {os.cpu_count()} cores, {sh("free -g | awk '/Mem:/ {print $2}'")} GiB, {platform.system()} {platform.release()};
{os.environ.get('BENCH_VERSIONS', '')}.
Load average at the start: {os.environ.get('BENCH_LOAD', '?')}.
Each table is one hyperfine invocation (`-N`, no shell), so its ratios were taken side by side;
start-up and `run` were measured in three invocations each, and the one with the median ratio is shown.

## Targets

| target | result | |
|---|---|---|
""" + "\n".join(f"| {t} | {r} | {verdict(ok)} |" for t, r, ok in targets) + f"""

## Start-up

{table(startup, true_)}

## `ghenv run -- true` (X25519 identity, token decrypted in memory)

{table(run, env_run)}

dotenvx, in the first of the three invocations: {ms(dotenvx_run):.2f} ms, {dotenvx_ratio:.0f}x the time of `ghenv run`.

## `ghenv check` against a local fake GitHub on loopback

| command | median |
|---|---:|
| `{label(check[0]['command'])}` | {ms(check[0]):.2f} ms |

HTTP requests received: {requests} for {check_runs} runs (warm-up included): {per_check:.2f} per `check`.

## `ghenv scan` over 10,000 tracked files, 100 MB, 100 tokens

{table(scan, git_grep)}

Found: ghenv {ghenv_found} tokens (checksums verified), `git grep -E 'ghp_[A-Za-z0-9]{{36}}'` {grep_found} lines.

## `ghenv scan` against `git grep -P` and `rg` at 10 MB and 1 GB

The same kind of tree: 1,000 files (10 MB, 10 tokens), and the 100 MB tree
ten times over (100,000 files, 1 GB, 1,000 tokens).

10 MB:

{table(sized['tree10m'], next(r for r in sized['tree10m'] if 'grep -P' in r['command']))}

1 GB:

{table(sized['tree1g'], next(r for r in sized['tree1g'] if 'grep -P' in r['command']))}

Peak memory of ghenv itself (VmHWM, `bench/peak_self.py`, without the
`git ls-files` it reads the names from): {mem_scan_100m / 1024:.1f} MiB at 100 MB,
{mem_scan_1g / 1024:.1f} MiB at 1 GB.

## `ghenv doctor --offline` on a Vite app with 30,000 files in node_modules and 1,000 commits

{table(doctor, git_status)}

`git status` is shown as the floor: any look at a work tree costs that much.

## `ghenv proxy` forwarding to a GitHub look-alike on loopback

`bench/proxy_bench.mjs`: 2,000 sequential requests to each (after 100 to warm
up), then 200 at once; the look-alike is a Node.js server answering like GitHub.

| path | p50 | p99 |
|---|---:|---:|
| direct to the look-alike | {proxy['direct']['p50']:.3f} ms | {proxy['direct']['p99']:.3f} ms |
| through `ghenv proxy` | {proxy['ghenv']['p50']:.3f} ms | {proxy['ghenv']['p99']:.3f} ms |
| through Vite's dev-server proxy (`server.proxy`) | {proxy['vite']['p50']:.3f} ms | {proxy['vite']['p99']:.3f} ms |

200 concurrent requests: {proxy['ghenv_errors']} errors through ghenv, {proxy['vite_errors']} through Vite.
`ghenv proxy` peak memory (VmHWM): {proxy['ghenv_peak_kib'] / 1024:.1f} MiB.

## `ghenv scan DIR` (walk mode) over an installed node_modules

Create React App's `node_modules` (react-scripts 5, from `compat/cra`):
{os.environ.get('NM_FILES', '?')} files, {os.environ.get('NM_SIZE', '?')} MB; `rg -uu` reads ignored and hidden files as ghenv does in a folder it is given.

{table(walk, rg_walk)}

{history_section}
## `ghenv unlock` against `age -d -o` on the same ciphertext

{table(unlock, age_unlock)}

## Peak memory (`/usr/bin/time -v`, maximum resident set size)

| command | peak |
|---|---:|
| `ghenv init` (validating against the fake GitHub) | {int(mem_init) / mb:.1f} MiB |
| `ghenv run -- true` | {int(mem_run) / mb:.1f} MiB |
| `ghenv scan` (the tree above) | {int(mem_scan) / mb:.1f} MiB |

## Binary

`target/release/ghenv`: {int(size) / 1024 / 1024:.2f} MiB ({size} bytes), release profile with LTO, one codegen unit, stripped, panic = abort.
""")

notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "findings.md")
if os.path.exists(notes):
    print(open(notes).read())
