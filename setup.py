"""Map the repository's top-level ``templates/`` and ``content/`` into the package at build time.

They stay where people edit them (``templates/docx/agreement.docx``, ``content/``) and are
installed as ``masa_docs/_shipped/templates`` and ``masa_docs/_shipped/content``, so a wheel,
an sdist, pipx or an editable install all carry them. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
SHIPPED = {"templates": "masa_docs._shipped.templates", "content": "masa_docs._shipped.content"}


def _mapped() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    package_data: dict[str, list[str]] = {}
    for folder, package in SHIPPED.items():
        root = HERE / folder
        for sub in sorted([root, *(p for p in root.rglob("*") if p.is_dir())]):
            if sub.name == "__pycache__":
                continue
            rel = sub.relative_to(HERE).as_posix()
            name = ".".join([package, *sub.relative_to(root).parts])
            packages.append(name)
            package_dir[name] = rel
            package_data[name] = ["*"]
    return packages, package_dir, package_data


_packages, _package_dir, _package_data = _mapped()

setup(
    packages=[*find_packages("src"), *_packages],
    package_dir={"": "src", **_package_dir},
    package_data={
        "masa_docs": ["data/*", "data/**/*", "rules/*.yaml", "py.typed", "serve/static/*", "serve/templates/*"],
        **_package_data,
    },
    exclude_package_data={"": ["__pycache__", "*.pyc"]},
)
