"""Build backend of the core module: whool, without the repository's own paths.

The repository root is the core module ``customer_relationship``, and it also
holds the plugins (``addons/``), the tooling, the CI entry point and the test
addon. whool packs every file git tracks in the module's folder and has no
setting to leave some out. So this backend (PEP 517, declared in-tree by
pyproject.toml's ``backend-path``) lets whool build its source distribution,
removes from it the paths listed in pyproject.toml under
``[tool.core_wheel] exclude``, and lets whool build the wheel from what
remains: whool builds a source distribution's folder as it is, with the name
and version its PKG-INFO holds. Source distributions and editable installs
are whool's own.

``tools/check_wheel.py`` builds the wheel and checks its listing.
"""

import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from whool import buildapi
from whool.utils import load_pyproject_toml

build_sdist = buildapi.build_sdist
build_editable = buildapi.build_editable
prepare_metadata_for_build_wheel = buildapi.prepare_metadata_for_build_wheel
prepare_metadata_for_build_editable = buildapi.prepare_metadata_for_build_editable


def excluded_paths(source_dir):
    """The paths (relative to the module's folder) the wheel leaves out."""
    options = load_pyproject_toml(Path(source_dir)).get("tool", {}).get("core_wheel", {})
    return [path.strip("/") for path in options.get("exclude", []) if path.strip("/")]


def _remove(root, paths):
    for path in paths:
        target = root / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    source = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        sdist = Path(tmp, buildapi.build_sdist(tmp, config_settings))
        unpacked = Path(tmp, "unpacked")
        with tarfile.open(sdist) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(unpacked, filter="data")
            else:  # Python without extraction filters; the archive is ours
                archive.extractall(unpacked)
        (root,) = unpacked.iterdir()
        _remove(root, excluded_paths(source))
        os.chdir(root)
        try:
            return buildapi.build_wheel(wheel_directory, config_settings, metadata_directory)
        finally:
            os.chdir(source)
