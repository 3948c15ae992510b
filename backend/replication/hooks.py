"""Installs change capture in every process that imports the models (API, CLI, jobs, tests)."""

from backend.replication.entities import install

install()
