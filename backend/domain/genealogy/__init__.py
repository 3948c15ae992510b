"""Lot tracking and genealogy: lots and serials, lot links, traces, recall reports, shipments."""
