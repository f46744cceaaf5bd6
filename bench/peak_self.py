#!/usr/bin/env python3
"""peak_self.py CMD...: runs CMD and prints the peak resident memory (VmHWM,
KiB) of that process alone, not of the git processes it starts, by polling
/proc/PID/status until it exits."""
import subprocess
import sys
import time

child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak = 0
while child.poll() is None:
    try:
        with open(f"/proc/{child.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.001)
print(peak)
