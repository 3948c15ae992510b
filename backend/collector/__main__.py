"""``python -m backend.collector collector --config plant.toml`` / ``... simulate``."""

from backend.collector.cli import main

main()
