#!/usr/bin/env python3
"""Generates a git history for the `scan --history` benchmark.

gen_history.py DIR COMMITS

200 source-like files of about 4 KB; each commit rewrites one line in each of
3 files (so every commit adds 3 new blobs, as real work does). One classic
token is added at 40% of the history and deleted at 60%: it is only in the
history. Written through `git fast-import`, so 10,000 commits take seconds.
"""
import random
import subprocess
import sys

TOKEN = "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"
WORDS = ("const query = gql`{ viewer { login } }`; function render(props) "
         "{ return props.children; } import React from 'react'; export default App; "
         "await client.query({ query }); // TODO: pagination, error handling").split()


def main():
    out_dir, commits = sys.argv[1], int(sys.argv[2])
    rng = random.Random(7)
    files = {}
    for i in range(200):
        lines = [" ".join(rng.choice(WORDS) for _ in range(10)) for _ in range(60)]
        files[f"src/module{i:03}.js"] = lines
    subprocess.run(["git", "init", "-q", out_dir], check=True)
    fi = subprocess.Popen(["git", "-C", out_dir, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = fi.stdin.write
    mark = 0
    leak_at, fix_at = int(commits * 0.4), int(commits * 0.6)
    for c in range(commits):
        if c == 0:
            changed = list(files)
        else:
            changed = rng.sample(sorted(files), 3)
            for path in changed:
                lines = files[path]
                lines[rng.randrange(len(lines))] = " ".join(rng.choice(WORDS) for _ in range(10)) + f" // {c}"
        if c == leak_at:
            files["src/apollo.js"] = [f"const token = '{TOKEN}';"]
            changed.append("src/apollo.js")
        deleted = []
        if c == fix_at:
            del files["src/apollo.js"]
            deleted.append("src/apollo.js")
        blob_marks = {}
        for path in changed:
            mark += 1
            data = ("\n".join(files[path]) + "\n").encode()
            w(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
            blob_marks[path] = mark
        msg = f"commit {c}".encode()
        w(b"commit refs/heads/main\n")
        w(b"committer Bench <b@example.com> %d +0000\n" % (1700000000 + c * 60))
        w(b"data %d\n%s\n" % (len(msg), msg))
        for path, m in blob_marks.items():
            w(b"M 100644 :%d %s\n" % (m, path.encode()))
        for path in deleted:
            w(b"D %s\n" % path.encode())
        w(b"\n")
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", out_dir, "symbolic-ref", "HEAD", "refs/heads/main"], check=True)


if __name__ == "__main__":
    main()
