"""Is this Python new enough for Speak Back, with `venv` working? (`make` runs this first.)

Written for old interpreters too (no f-strings, no annotations), so that Python 3.6
or 3.10 on an older Ubuntu or macOS gets a plain sentence instead of a pip error.
Exit 0 when all is well, 1 with what to install otherwise.
"""

import os
import sys

MINIMUM = (3, 11)


def _debian_like(os_release):
    text = os_release.lower()
    return "debian" in text or "ubuntu" in text


def problem(version, platform, os_release="", has_venv=True):
    """What is wrong, as words for a person, or None. Pure, for tests."""
    have = "%d.%d" % (version[0], version[1])
    need = "%d.%d" % MINIMUM
    if tuple(version[:2]) < MINIMUM:
        lines = [
            "Speak Back needs Python %s or newer; this is Python %s." % (need, have),
        ]
        if platform == "darwin":
            lines.append(
                "On macOS: install it with `brew install python@3.12` (or from python.org),"
            )
            lines.append("then run `make run PYTHON=python3.12`.")
        elif _debian_like(os_release):
            lines.append(
                "On Debian 12 or Ubuntu 24.04 and later: sudo apt install python3 python3-venv"
            )
            lines.append("On Ubuntu 22.04: sudo apt install python3.11 python3.11-venv,")
            lines.append("then run `make run PYTHON=python3.11`.")
        else:
            lines.append("Install Python %s or newer, then run `make run PYTHON=python3.12`" % need)
            lines.append("(or whichever name the new Python has).")
        return "\n".join(lines)
    if not has_venv:
        lines = ["Python %s is fine, but its `venv` module is missing." % have]
        if _debian_like(os_release):
            lines.append(
                "On Debian or Ubuntu: sudo apt install python3-venv  (or python%s-venv)" % have
            )
        else:
            lines.append("Install the venv module for this Python, then run make again.")
        return "\n".join(lines)
    return None


def _venv_works():
    try:
        import ensurepip  # noqa: F401  (Debian splits it out into python3-venv)
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def _os_release():
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        if os.path.exists(path):
            with open(path) as handle:
                return handle.read()
    return ""


def main():
    found = problem(sys.version_info, sys.platform, _os_release(), _venv_works())
    if found is None:
        return 0
    sys.stderr.write(found + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
