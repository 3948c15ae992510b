"""Shape of the demo plant: two sites, areas, lines, machines with components, users for every role."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "gemba-demo"


@dataclass(frozen=True)
class MachineSpec:
    code: str
    name: str
    asset_class: str
    manufacturer: str
    components: tuple[str, ...]


@dataclass(frozen=True)
class LineSpec:
    code: str
    name: str
    machines: tuple[MachineSpec, ...]


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    lines: tuple[LineSpec, ...]


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    timezone: str
    areas: tuple[AreaSpec, ...]


def _m(code: str, name: str, cls: str, maker: str, *components: str) -> MachineSpec:
    return MachineSpec(code, name, cls, maker, components)


SITES = (
    SiteSpec(
        "NORTH",
        "North Plant",
        "Europe/Berlin",
        (
            AreaSpec(
                "N-MACH",
                "Machining hall",
                (
                    LineSpec(
                        "N-L1",
                        "Line 1 (housings)",
                        (
                            _m("N-CNC-01", "CNC mill 1", "cnc-mill", "DMG Mori", "spindle", "coolant pump"),
                            _m("N-CNC-02", "CNC mill 2", "cnc-mill", "DMG Mori", "spindle", "tool changer"),
                            _m("N-DEB-01", "Deburring cell", "robot-cell", "ABB", "gripper"),
                        ),
                    ),
                    LineSpec(
                        "N-L2",
                        "Line 2 (shafts)",
                        (
                            _m("N-LAT-01", "CNC lathe 1", "cnc-lathe", "Mazak", "chuck", "turret"),
                            _m("N-LAT-02", "CNC lathe 2", "cnc-lathe", "Mazak", "chuck"),
                            _m("N-GRD-01", "Grinder", "grinder", "Studer", "wheel drive"),
                        ),
                    ),
                ),
            ),
            AreaSpec(
                "N-ASM",
                "Assembly",
                (
                    LineSpec(
                        "N-L3",
                        "Line 3 (assembly)",
                        (
                            _m("N-PRS-01", "Press-fit station", "press", "Schuler", "hydraulic unit"),
                            _m("N-SCR-01", "Screwing station", "screwdriver", "Atlas Copco", "nutrunner"),
                            _m("N-TST-01", "Leak tester", "tester", "ATEQ", "valve block"),
                            _m("N-PAK-01", "Packing machine", "packer", "Bosch", "sealer", "conveyor"),
                        ),
                    ),
                ),
            ),
        ),
    ),
    SiteSpec(
        "SOUTH",
        "South Plant",
        "Europe/Madrid",
        (
            AreaSpec(
                "S-MOLD",
                "Moulding",
                (
                    LineSpec(
                        "S-L1",
                        "Line 1 (injection)",
                        (
                            _m(
                                "S-IMM-01",
                                "Injection moulder 1",
                                "injection-moulder",
                                "Engel",
                                "screw",
                                "mould heater",
                            ),
                            _m("S-IMM-02", "Injection moulder 2", "injection-moulder", "Engel", "screw"),
                            _m("S-ROB-01", "Take-out robot", "robot-cell", "Yaskawa", "gripper"),
                        ),
                    ),
                    LineSpec(
                        "S-L2",
                        "Line 2 (extrusion)",
                        (
                            _m(
                                "S-EXT-01", "Extruder", "extruder", "KraussMaffei", "barrel heater", "gearbox"
                            ),
                            _m("S-CUT-01", "Cutter", "cutter", "Conair", "blade"),
                            _m("S-WND-01", "Winder", "winder", "Conair", "motor"),
                        ),
                    ),
                ),
            ),
            AreaSpec(
                "S-FIN",
                "Finishing",
                (
                    LineSpec(
                        "S-L3",
                        "Line 3 (finishing)",
                        (
                            _m("S-PRT-01", "Pad printer", "printer", "Tampoprint", "ink cup"),
                            _m("S-INS-01", "Vision inspection", "vision", "Cognex", "camera"),
                            _m("S-PAK-01", "Packing machine", "packer", "Bosch", "sealer"),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

# (username, display name, role, site codes)
USERS = (
    ("tech.north", "Tomas Technician (North)", "technician", ("NORTH",)),
    ("tech.south", "Sara Technician (South)", "technician", ("SOUTH",)),
    ("operator.north", "Olga Operator (North)", "operator", ("NORTH",)),
    ("operator.south", "Omar Operator (South)", "operator", ("SOUTH",)),
    ("planner.north", "Paula Planner (North)", "planner", ("NORTH",)),
    ("manager", "Max Manager", "manager", ("NORTH", "SOUTH")),
    ("admin", "Ada Admin", "admin", ("NORTH", "SOUTH")),
)
