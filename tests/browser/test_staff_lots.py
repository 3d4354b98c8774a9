"""`/staff` lots: a receipt typed with its heat and certificate type makes a traced lot; the lots table shows it;
a certificate PDF uploaded from the page is kept and served; a file that is not a PDF is refused and says why."""

from __future__ import annotations

import re
from pathlib import Path

from browser_support import SHEET, Site
from playwright.sync_api import Page, expect
from test_staff import sign_in

from certificate_helpers import PNG, tiny_pdf


def test_receive_a_heat_and_upload_its_certificate(page: Page, site: Site, screenshots: Path, tmp_path: Path) -> None:
    sign_in(page, site.staff_token)
    page.get_by_label("SKU", exact=True).fill(SHEET)
    page.get_by_label("Movement", exact=True).select_option("receipt")
    page.get_by_label("Warehouse", exact=True).select_option("DUI")
    page.get_by_label("Quantity").fill("120 kg")
    page.get_by_label("Heat").fill("H-WEB-77")
    page.get_by_label("Mill").fill("Aluminium Norf")
    page.get_by_label("Certificate (EN 10204)").select_option("3.1")
    page.get_by_role("button", name="Post movement").click()
    expect(page.locator("#flash")).to_contain_text(f"Receipt of 120 kg of {SHEET} posted")

    row = page.locator("#lots-table tbody tr", has_text="H-WEB-77")
    expect(row).to_have_count(1)
    lot_id = row.get_attribute("data-lot")
    expect(row.locator("td").nth(0)).to_have_text("DUI")
    expect(row.locator("td").nth(2)).to_have_text("Aluminium Norf")
    expect(row.locator("td").nth(3)).to_have_text("3.1")
    expect(row.locator("td").nth(6)).to_have_text("120")
    expect(row.get_by_role("link", name="PDF")).to_have_count(0)

    # Not a PDF (an image named .pdf): refused, the reason shown, nothing kept.
    fake = tmp_path / "certificate.pdf"
    fake.write_bytes(PNG)
    row.get_by_label(f"Certificate PDF for lot {lot_id}").set_input_files(str(fake))
    row.get_by_role("button", name=f"Upload the certificate of lot {lot_id}").click()
    expect(page.locator("#flash")).to_contain_text(f"Lot {lot_id}: body: is not a PDF file")
    row = page.locator(f'#lots-table tr[data-lot="{lot_id}"]')
    expect(row.get_by_role("link", name="PDF")).to_have_count(0)

    pdf = tiny_pdf("Inspection certificate 3.1 heat H-WEB-77")
    real = tmp_path / "3.1-H-WEB-77.pdf"
    real.write_bytes(pdf)
    row.get_by_label(f"Certificate PDF for lot {lot_id}").set_input_files(str(real))
    row.get_by_role("button", name=f"Upload the certificate of lot {lot_id}").click()
    expect(page.locator("#flash")).to_contain_text(f"Certificate of lot {lot_id} (heat H-WEB-77) uploaded")
    expect(page).to_have_url(re.compile(rf"/staff\?sku={SHEET}#lots$"))
    row = page.locator(f'#lots-table tr[data-lot="{lot_id}"]')
    expect(row.get_by_role("link", name="PDF")).to_be_visible()
    page.locator("#lots").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "staff-lots.png"), full_page=True)

    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert Path(download.value.path()).read_bytes() == pdf  # the page serves the file the API keeps
    with site.api(site.staff_token) as client:
        assert client.get(f"/api/v1/lots/{lot_id}/certificate").content == pdf
        lot = next(x for x in client.get(f"/api/v1/products/{SHEET}/lots").json()["items"] if str(x["id"]) == lot_id)
    assert (lot["heat"], lot["certificate_type"], lot["certificate"]["size"]) == ("H-WEB-77", "3.1", len(pdf))
