"""Part and bin labels decode to their PWA addresses, which resolve to the part or bin and its stock."""

from __future__ import annotations

import io

import zxingcpp
from litestar.testing import AsyncTestClient
from PIL import Image

from tests.factories.inventory import InventoryFactory
from tests.integration.inventory.conftest import Plant


def _decode(data: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


async def test_part_and_bin_labels_decode_to_their_pwa_addresses(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 1)
    r = await client.get(f"/api/inventory/parts/{part.id}/label.png", headers=plant.technician)
    assert r.headers["content-type"] == "image/png"
    assert _decode(r.content) == [f"http://gemba.test/p/{part.label_token}"]
    r = await client.get(f"/api/inventory/bins/{bin_.id}/label.png", headers=plant.technician)
    assert _decode(r.content) == [f"http://gemba.test/b/{bin_.label_token}"]


async def test_the_svg_label_names_the_part(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part = await inv.part(plant.site, number="BRG-6205", name="Ball bearing")
    r = await client.get(f"/api/inventory/parts/{part.id}/label.svg", headers=plant.technician)
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "BRG-6205" in r.text
    assert "Ball bearing" in r.text


async def test_a_scanned_part_label_resolves_to_the_part_and_its_stock(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    r = await client.get(f"/api/inventory/by-label/{part.label_token}", headers=plant.technician)
    assert r.status_code == 200
    body = r.json()
    assert (body["kind"], body["part"]["id"], body["bin"]) == ("part", str(part.id), None)
    assert [(s["bin_id"], s["on_hand"]) for s in body["stock"]] == [(str(bin_.id), 3.0)]


async def test_a_scanned_bin_label_resolves_to_the_bin_and_what_it_holds(
    client: AsyncTestClient, plant: Plant, inv: InventoryFactory
) -> None:
    part, bin_ = await inv.stocked(plant.site, 3)
    r = await client.get(f"/api/inventory/by-label/{bin_.label_token}", headers=plant.technician)
    body = r.json()
    assert (body["kind"], body["bin"]["id"]) == ("bin", str(bin_.id))
    assert [s["part_id"] for s in body["stock"]] == [str(part.id)]


async def test_an_unknown_label_is_404(client: AsyncTestClient, plant: Plant) -> None:
    r = await client.get("/api/inventory/by-label/nothing-here", headers=plant.technician)
    assert r.status_code == 404
