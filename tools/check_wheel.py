"""Build the core module's wheel and check that it holds the core only.

    python tools/check_wheel.py        (``make lint`` runs it)

Copies the files git tracks, as they are in the working tree, into a
temporary git repository whose folder is named after the module
(``customer_relationship``: whool names the distribution after the folder,
and this checkout's folder may be called otherwise), builds the wheel there
with pip through the backend pyproject.toml declares, prints the wheel's
listing and fails when a path outside the core is inside (the plugins, the
tooling, the CI entry point, the test addon, local build folders), or when
the module itself is missing.

whool comes from the running Python when it is installed there (the
pre-commit hook installs it), otherwise pip fetches it for the build.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODULE = "customer_relationship"
PREFIX = f"odoo/addons/{MODULE}/"
# folders and files of the repository that are not the core module
OUTSIDE_FOLDERS = ("addons/", "tools/", ".ci/", "tests/addons/", ".build/", ".venv/")
OUTSIDE_FILES = ("Makefile",)
# what a wheel of the module cannot lack
CORE = ("__manifest__.py", "__init__.py", "models/", "views/", "security/", "i18n/zh_CN.po")


def _git_env():
    """The environment without the variables a git hook sets for its own
    repository (GIT_INDEX_FILE...)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}


def _git(args, cwd):
    return subprocess.run(
        ["git", *args], cwd=cwd, env=_git_env(), check=True, capture_output=True, text=True
    ).stdout


def snapshot(root, target):
    """Copy the files git tracks in ``root`` into a new repository ``target``."""
    target.mkdir()
    for name in _git(["ls-files", "-z"], root).split("\0"):
        path = root / name
        if name and path.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    _git(["init", "-q"], target)
    _git(["add", "-A"], target)
    _git(
        [
            "-c",
            "user.name=check_wheel",
            "-c",
            "user.email=check_wheel@localhost",
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "-m",
            "snapshot",
        ],
        target,
    )


def build(source, out):
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--wheel-dir", str(out)]
    if importlib.util.find_spec("whool"):
        command.append("--no-build-isolation")
    subprocess.run([*command, str(source)], env=_git_env(), check=True)
    (wheel,) = out.glob("*.whl")
    return wheel


def problems(names):
    """What is wrong with a wheel holding ``names``."""
    found = []
    module_paths = []
    for name in names:
        if name.startswith(PREFIX):
            module_paths.append(name[len(PREFIX) :])
        elif not name.split("/", 1)[0].endswith(".dist-info"):
            found.append(f"outside the module's folder: {name}")
    for path in module_paths:
        if path.startswith(OUTSIDE_FOLDERS) or path in OUTSIDE_FILES:
            found.append(f"not part of the core: {PREFIX}{path}")
    for path in CORE:
        if not any(name == path or name.startswith(path) for name in module_paths):
            found.append(f"missing from the wheel: {PREFIX}{path}")
    return found


def main():
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="check_wheel_") as tmp:
        source = Path(tmp, MODULE)
        snapshot(root, source)
        wheel = build(source, Path(tmp, "dist"))
        with zipfile.ZipFile(wheel) as archive:
            names = sorted(archive.namelist())
    sys.stdout.write(f"{wheel.name}: {len(names)} files\n")
    sys.stdout.writelines(f"  {name}\n" for name in names)
    found = problems(names)
    if not found:
        sys.stdout.write("The wheel holds the core module only.\n")
        return 0
    sys.stdout.writelines(f"ERROR {problem}\n" for problem in found)
    return 1


if __name__ == "__main__":
    sys.exit(main())
