"""Writes a source tree for the scan benchmark: FILES files of SIZE bytes of
code-like text in nested folders, with a valid classic token in every
hundredth file. Usage: gen_tree.py DIR [FILES] [SIZE]"""
import os
import random
import sys
import zlib

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def token(rng):
    body = "".join(rng.choice(ALPHABET) for _ in range(30))
    n = zlib.crc32(body.encode())
    sum_ = ""
    for _ in range(6):
        sum_ = ALPHABET[n % 62] + sum_
        n //= 62
    return "ghp_" + body + sum_


def main():
    root = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    rng = random.Random(42)
    words = ["const", "let", "function", "return", "github", "graphql", "query", "viewer",
             "login", "ghost", "ghp", "=", "{", "}", "(", ")", ";", "import", "from", "export",
             "await", "fetch", "headers", "Authorization", "bearer", "process.env", "token"]
    for i in range(files):
        d = os.path.join(root, f"pkg{i % 100:02d}", f"mod{i % 7}")
        os.makedirs(d, exist_ok=True)
        lines = []
        total = 0
        while total < size:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
            lines.append(line)
            total += len(line) + 1
        if i % 100 == 0:
            lines[len(lines) // 2] = f'const token = "{token(rng)}";'
        with open(os.path.join(d, f"file{i}.js"), "w") as f:
            f.write("\n".join(lines) + "\n")


main()
