"""The demo plant's maintenance catalogue: checklist templates and failure codes per asset class."""

from __future__ import annotations

from backend.domain.maintenance.rules import CodeKind, ItemKind
from backend.domain.maintenance.schemas import TemplateItemIn

_I = TemplateItemIn
TEMPLATES: dict[str, tuple[str, list[TemplateItemIn]]] = {
    "cnc-mill": (
        "CNC mill inspection",
        [
            _I(kind=ItemKind.CHECKBOX, label="Machine locked out and tagged"),
            _I(kind=ItemKind.NUMERIC, label="Spindle runout", unit="mm", lower_limit=0.0, upper_limit=0.01),
            _I(kind=ItemKind.NUMERIC, label="Spindle vibration", unit="mm/s", upper_limit=2.8),
            _I(kind=ItemKind.PASS_FAIL, label="Way covers and wipers intact"),
            _I(
                kind=ItemKind.NUMERIC,
                label="Coolant concentration",
                unit="%",
                lower_limit=6.0,
                upper_limit=9.0,
            ),
            _I(kind=ItemKind.TEXT, label="Remarks", required=False),
        ],
    ),
    "injection-moulder": (
        "Injection moulder monthly PM",
        [
            _I(kind=ItemKind.CHECKBOX, label="Machine locked out and purged"),
            _I(
                kind=ItemKind.NUMERIC,
                label="Hydraulic oil temperature",
                unit="°C",
                lower_limit=35.0,
                upper_limit=55.0,
            ),
            _I(kind=ItemKind.PASS_FAIL, label="Safety gate interlock trips"),
            _I(
                kind=ItemKind.NUMERIC,
                label="Barrel heater zone 3 current",
                unit="A",
                lower_limit=8.0,
                upper_limit=11.0,
            ),
            _I(kind=ItemKind.PHOTO_REQUIRED, label="Photo of the nozzle", required=False),
        ],
    ),
    "press": (
        "Press-fit station safety check",
        [
            _I(kind=ItemKind.PASS_FAIL, label="Two-hand control releases on one hand"),
            _I(kind=ItemKind.PASS_FAIL, label="Light curtain stops the ram"),
            _I(
                kind=ItemKind.NUMERIC,
                label="Hydraulic pressure at rest",
                unit="bar",
                lower_limit=140.0,
                upper_limit=160.0,
            ),
            _I(kind=ItemKind.TEXT, label="Remarks", required=False),
        ],
    ),
    "*": (
        "Safety walk-round",
        [
            _I(kind=ItemKind.CHECKBOX, label="Emergency stops tested"),
            _I(kind=ItemKind.CHECKBOX, label="Floor clear of oil and swarf"),
        ],
    ),
}

CODES: list[tuple[str, CodeKind, str, str]] = [
    ("*", CodeKind.PROBLEM, "NOISE", "Abnormal noise"),
    ("*", CodeKind.PROBLEM, "LEAK", "Leak (oil, air, coolant)"),
    ("*", CodeKind.PROBLEM, "OVERHEAT", "Overheating"),
    ("*", CodeKind.PROBLEM, "NO-START", "Does not start"),
    ("*", CodeKind.PROBLEM, "ELEC-FAULT", "Electrical fault or trip"),
    ("cnc-mill", CodeKind.PROBLEM, "SPINDLE-VIB", "Spindle vibration"),
    ("cnc-mill", CodeKind.PROBLEM, "TOOL-CHANGE", "Tool change failure"),
    ("injection-moulder", CodeKind.PROBLEM, "HEATER", "Barrel heater failure"),
    ("injection-moulder", CodeKind.PROBLEM, "SHORT-SHOT", "Short shots"),
    ("press", CodeKind.PROBLEM, "PRESSURE-LOW", "Hydraulic pressure low"),
    ("*", CodeKind.CAUSE, "WEAR", "Wear"),
    ("*", CodeKind.CAUSE, "LUBRICATION", "Lack of lubrication"),
    ("*", CodeKind.CAUSE, "MISALIGNMENT", "Misalignment"),
    ("*", CodeKind.CAUSE, "CONTAMINATION", "Contamination"),
    ("*", CodeKind.CAUSE, "ELECTRICAL", "Electrical component failure"),
    ("*", CodeKind.CAUSE, "OPERATION", "Operating error"),
    ("*", CodeKind.REMEDY, "REPLACED", "Part replaced"),
    ("*", CodeKind.REMEDY, "ADJUSTED", "Adjusted or realigned"),
    ("*", CodeKind.REMEDY, "CLEANED", "Cleaned"),
    ("*", CodeKind.REMEDY, "LUBRICATED", "Lubricated"),
    ("*", CodeKind.REMEDY, "RESET", "Reset and tested"),
]

SITE_CLASSES = {"NORTH": ("cnc-mill", "press", "*"), "SOUTH": ("injection-moulder", "*")}
