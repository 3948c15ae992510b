"""The asset register: the ISA-95 equipment hierarchy under each site, with QR labels."""
