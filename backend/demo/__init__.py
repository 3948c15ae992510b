"""The demo plant: seeded on first start in demo mode."""
