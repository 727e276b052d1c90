"""Packaging pyproject.toml cannot express: data/ (edited in place in a checkout) ships in the
wheel as the package bot.defaultdata, next to the packages setuptools finds. All package data is
declared here: a [tool.setuptools.package-data] table would replace this one."""

from setuptools import find_namespace_packages, find_packages, setup

CONTENT = ["*.yaml", "*.yml", "*.json", "*.txt", "*.md", "*.csv"]
content_packages = ["bot.defaultdata", *(f"bot.defaultdata.{name}" for name in find_namespace_packages(where="data"))]

setup(
    packages=[*find_packages(include=["bot*", "cogs*", "standin*"]), *content_packages],
    package_dir={"bot.defaultdata": "data"},
    package_data={
        "bot.storage": ["migrations/*.sql"],
        "bot.sandbox": ["*.txt"],
        "bot.knowledge": ["decision_model.json", "embeddings.npz"],
        **{name: CONTENT for name in content_packages},
    },
)
