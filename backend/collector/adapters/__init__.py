"""Protocol adapters: one folder per PLC protocol; see ``README.md`` for the contract."""
