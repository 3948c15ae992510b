"""Spare parts and MRO stock: parts, storerooms, bins, the stock ledger, reservations, reorder points."""
