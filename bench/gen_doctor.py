"""Makes the project `ghenv doctor` is timed on (bench/run.sh): a Vite app with
an installed-looking, git-ignored node_modules of 30,000 files and a history
of 1,000 commits.  Usage: python3 gen_doctor.py DIR"""
import os
import subprocess
import sys
import time

root = sys.argv[1]
os.makedirs(os.path.join(root, "src"), exist_ok=True)
with open(os.path.join(root, ".gitignore"), "w") as f:
    f.write("node_modules\n")
with open(os.path.join(root, "package.json"), "w") as f:
    f.write('{"name": "app", "private": true, "devDependencies": {"vite": "*"}}\n')
with open(os.path.join(root, "src", "main.js"), "w") as f:
    f.write("export const token = import.meta.env.VITE_GITHUB_PERSONAL_ACCESS_TOKEN;\n")
for i in range(300):
    d = os.path.join(root, "node_modules", f"pkg{i}", "lib")
    os.makedirs(d, exist_ok=True)
    for j in range(100):
        with open(os.path.join(d, f"f{j}.js"), "w") as f:
            f.write("module.exports = process.env.GITHUB_TOKEN;\n" * 5)

subprocess.run(["git", "init", "-q"], cwd=root, check=True)
stream = ["reset refs/heads/main"]
t = int(time.time()) - 1000
for i in range(1000):
    data = f"change {i}\n"
    stream += [
        "commit refs/heads/main",
        f"committer bench <bench@example.com> {t + i} +0000",
        "data 6",
        "change",
        "M 644 inline history.txt",
        f"data {len(data)}",
        data,
    ]
subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="\n".join(stream).encode(), check=True)
subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=root, check=True)
subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)
