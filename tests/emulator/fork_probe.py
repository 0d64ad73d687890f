"""A stand-in for the bot in tests of the fork server: says what it was given, then exits.

python -m tests.emulator.fork_probe 7       # exit status 7
python -m tests.emulator.fork_probe sleep   # wait to be killed
python -m tests.emulator.fork_probe raise   # an uncaught exception (status 1)
"""

import os
import sys
import time

if __name__ == "__main__":
    print(f"stdout: {os.environ.get('PROBE')} {os.getcwd()} {sys.argv[1:]}", flush=True)
    print(f"stderr: {__name__}", file=sys.stderr, flush=True)
    if sys.argv[1] == "sleep":
        time.sleep(60)
    if sys.argv[1] == "raise":
        raise RuntimeError("the probe failed")
    sys.exit(int(sys.argv[1]))
