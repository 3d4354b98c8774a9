"""`/staff` import: upload a file with a bad row, read the report, fix the file, check it again and apply it."""

from __future__ import annotations

from pathlib import Path

from browser_support import Site
from playwright.sync_api import Page, expect
from test_staff import sign_in

HEADER = "sku,name,family,grade,form,density_kg_m3,diameter_mm,length_mm,stock_unit,currency,tiers\n"
GOOD = (
    "ST-WEB-RB-{n},Steel round bar S235JR {n} mm (import test),steel,S235JR,round_bar,7850,{n},6000,m,EUR,0 m: 4.10/m\n"
)


def test_upload_a_bad_file_read_the_report_fix_it_and_apply(
    page: Page, site: Site, tmp_path: Path, screenshots: Path
) -> None:
    bad = tmp_path / "bars.csv"
    bad.write_text(HEADER + GOOD.format(n=20) + GOOD.format(n=25).replace(",7850,", ",-7850,"))
    sign_in(page, site.staff_token)
    page.get_by_label("The file holds").select_option("products")
    page.get_by_label("CSV or XLSX file").set_input_files(bad)
    page.get_by_role("button", name="Check", exact=True).click()

    expect(page.locator("#import-summary")).to_contain_text("bars.csv: 1 problem found; nothing was changed")
    row = page.locator("#import-errors tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("3")
    expect(row.locator("td").nth(1)).to_have_text("density_kg_m3")
    expect(row.locator("td").nth(2)).to_contain_text("positive number of kg/m3")
    page.locator("#import").screenshot(path=str(screenshots / "staff-import-report.png"))
    with site.api(site.staff_token) as client:
        assert client.get("/api/v1/products/ST-WEB-RB-20").status_code == 404

    bad.write_text(HEADER + GOOD.format(n=20) + GOOD.format(n=25))
    page.get_by_label("CSV or XLSX file").set_input_files(bad)
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.locator("#import-summary")).to_contain_text("no problems. 2 rows: 2 would be created")
    with site.api(site.staff_token) as client:
        assert client.get("/api/v1/products/ST-WEB-RB-25").status_code == 404
    page.get_by_role("button", name="Import this file").click()
    expect(page.locator("#import-summary")).to_contain_text("imported. 2 rows: 2 were created")
    with site.api(site.staff_token) as client:
        served = client.get("/api/v1/products/ST-WEB-RB-25").json()
    assert served["dimensions_mm"]["diameter"] == "25" and served["price"]["tiers"][0]["unit_price"] == "4.10"

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert exported.startswith("sku,name,family") and "ST-WEB-RB-25" in exported
