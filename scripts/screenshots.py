"""Screenshots of the key pages at phone and desktop widths, for looking at what users see.

    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--user yp_yjj]

Uses Debian's /usr/bin/chromium (no browser download). Writes screenshots/<name>-<width>.png
and prints any console errors each page logged.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    ("home", "/"),
    ("list", "/enterprises/"),
    ("list-filtered", "/enterprises/?industry=hazchem&supervision_grade=A"),
    ("map", "/enterprises/map/"),
    ("new", "/enterprises/new/"),
    ("import", "/enterprises/import/"),
    ("hazards", "/hazards/"),
    ("hazards-overdue", "/hazards/?progress=overdue"),
    ("figures", "/hazards/figures/"),
    ("figures-places", "/hazards/figures/?owner=place&period=all"),
    ("places", "/enterprises/places/"),
    ("report-pick", "/hazards/report/"),
    ("listings", "/hazards/listings/"),
    ("risks", "/risks/"),
    ("risk-register", "/risks/register/"),
    ("risk-map", "/risks/map/"),
    ("self-checks", "/hazards/self-checks/"),
    ("standards", "/hazards/standards/"),
    ("measures", "/hazards/measures/"),
    ("regions", "/regions/"),
    ("departments", "/regions/departments/"),
    ("profile", "/accounts/profile/"),
    ("api-docs", "/api/v1/docs"),
    ("plans", "/inspections/plans/"),
    ("plan", "/inspections/plans/1/"),
    ("plan-new", "/inspections/plans/new/"),
    ("plan-policy", "/inspections/plans/policy/"),
    ("draws", "/inspections/"),
    ("tasks", "/inspections/tasks/"),
    ("inspectors", "/inspections/inspectors/"),
    ("public-draws", "/inspections/public/"),
    ("onsite", "/inspections/onsite/"),
    ("onsite-form", "/inspections/onsite/{open}/"),
    ("onsite-record", "/inspections/onsite/{done}/"),
    ("cases", "/inspections/cases/"),
    ("case", "/inspections/cases/{case}/"),
    ("documents", "/inspections/documents/"),
    ("enforcement-figures", "/inspections/figures/"),
    ("checklists", "/inspections/standards/"),
    ("discretion", "/inspections/cases/discretion/"),
    ("accidents", "/accidents/"),
    ("accident-report", "/accidents/report/"),
    ("accident", "/accidents/{accident}/"),
    ("indicators", "/analytics/indicators/"),
    ("indicators-2025", "/analytics/indicators/?year=2025"),
    ("denominators", "/analytics/denominators/"),
    ("plans-targets", "/analytics/plans/"),
    ("monthly-reports", "/analytics/reports/"),
    ("sources", "/hazchem/sources/"),
    ("source", "/hazchem/sources/{source}/"),
    ("source-figures", "/hazchem/sources/figures/"),
    ("coverage", "/hazchem/coverage/"),
    ("coverage-uncovered", "/hazchem/coverage/sources/?status=uncovered"),
    ("duties", "/hazchem/duties/"),
    ("duty-rules", "/hazchem/duties/rules/"),
    ("units", "/hazchem/units/"),
    ("unit", "/hazchem/units/{unit}/"),
    ("chemicals", "/hazchem/chemicals/"),
    ("permits", "/specialwork/"),
    ("permit-map", "/specialwork/map/"),
    ("permit-figures", "/specialwork/figures/"),
    ("permit", "/specialwork/{permit}/"),
]
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="yp_yjj")
    parser.add_argument("--password", default="Anquan@2026")
    parser.add_argument("--only", nargs="*", help="page names to shoot")
    parser.add_argument("--detail", action="store_true", help="also the first enterprise's pages")
    parser.add_argument(
        "--fill",
        nargs="*",
        default=[],
        help="ids for the paths' placeholders, e.g. open=27 case=16",
    )
    args = parser.parse_args()
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    fill = dict(item.split("=", 1) for item in args.fill)
    pages = [
        (name, path.format(**fill))
        for name, path in PAGES
        if (not args.only or name in args.only) and ("{" not in path or fill)
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for label, (width, height) in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(f"page error: {exc}"))
            page.goto(args.base + "/accounts/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            targets = list(pages)
            if args.detail:
                page.goto(args.base + "/enterprises/")
                href = page.locator("#results table tbody tr a").first.get_attribute("href")
                targets += [("detail", href), ("edit", href + "edit/")]
                enterprise_id = href.rstrip("/").rsplit("/", 1)[-1]
                targets.append(("hazard-report", f"/hazards/report/?enterprise={enterprise_id}"))
                page.goto(args.base + "/hazards/?progress=open&grade=major")
                rows = page.locator("#results table tbody tr td a")
                if rows.count():
                    targets.append(("hazard-detail", rows.first.get_attribute("href")))
            for name, path in targets:
                errors.clear()
                page.goto(args.base + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(400)
                file = out / f"{name}-{label}.png"
                page.screenshot(path=str(file), full_page=True)
                print(f"{file}  {'; '.join(errors) if errors else 'no console errors'}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
