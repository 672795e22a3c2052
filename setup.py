"""Build hook: a wheel carries `phrases.db` and `resources/` as `palette/bundled/`.

The source tree keeps them at the top level (reviewable, shared with the PyInstaller bundle);
`palette.core.paths.bundle_root()` looks in `palette/bundled/` first, so a non-editable
`pip install .` finds them too. Everything else about the package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        target = Path(self.build_lib, "palette", "bundled")
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2("phrases.db", target)
        shutil.copytree("resources", target / "resources", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithResources})
