"""Modbus TCP adapter (pymodbus): coalesced polled reads with a pure ``struct`` codec."""
