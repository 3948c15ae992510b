"""Meters (run hours, cycles) read by hand or by the collector, and recent signal values per asset."""
