"""The white paper PDF: Chinese renders (page 1 rasterised by poppler is not blank; its text layer
holds the Chinese title), made in under 5 s of CPU, through the command."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import date

import pytest

from zeren.access.models import Role
from zeren.org.testing import make_user, run_command
from zeren.targets import actions, whitepaper


def ink_share(pgm: bytes) -> float:
    """The share of dark pixels of a binary PGM (P5) image."""
    parts = pgm.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
    return sum(1 for p in pixels[: width * height] if p < 128) / (width * height)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed (scripts/install-test-deps)")
def test_white_paper_pdf_renders_chinese(tmp_path, targets, users):
    actions.do_report_progress(actor=users["market"], target=targets["T-1-1-1"], day=date(2026, 3, 31), value=20,
                               note="一季度窗口办件 20 件")
    content = whitepaper.content_for(targets["T-1-1"].unit, 2027, as_of=date(2027, 1, 10))
    assert [c["code"] for c in content["completion"]] == ["T-1-1"]
    output = tmp_path / "paper.pdf"
    started = time.process_time()
    code, out = run_command("targets", "white-paper", "SZ-SCJG", "2027", "--output", str(output))
    # CPU seconds of this process, not wall time: the shared test machines run several suites at once
    seconds = time.process_time() - started
    assert code == 0, out
    assert seconds < 5
    assert output.read_bytes().startswith(b"%PDF")
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(output), str(png)], check=True)
    assert png.with_suffix(".png").stat().st_size > 5000
    subprocess.run(["pdftoppm", "-gray", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(output), str(png)], check=True)
    assert 0.005 < ink_share(png.with_suffix(".pgm").read_bytes()) < 0.5  # text on a white page: neither blank nor a black box
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(output), "-"], capture_output=True, text=True).stdout
    assert "深圳市市场监督管理局" in text and "部门责任白皮书" in text and "登记注册提速" in text


def test_unknown_unit_is_a_clear_message(tmp_path, db):
    code, out = run_command("targets", "white-paper", "SZ-NOPE", "2026", "--output", str(tmp_path / "x.pdf"))
    assert code != 0 and "未知单位：SZ-NOPE" in out and not (tmp_path / "x.pdf").exists()


def test_white_paper_workflow_is_audited_and_only_published_is_public(client, tree, users, targets):
    """Draft → approved → published → withdrawn by the unit's head, each move audited; the public
    page shows it only while published; staff may not publish; a published paper is not redrafted."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from zeren.audit.models import AuditEntry

    content = whitepaper.content_for(tree["market"], 2026, as_of=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="不在 2026 年发布白皮书的单位之列"):
        actions.do_draft_white_paper(actor=users["market"], unit=tree["market"], year=2026, content=content)
    with pytest.raises(PermissionDenied):  # the unit does not choose itself
        actions.do_set_white_paper_pilots(actor=users["market_head"], year=2026, add=[tree["market"]])
    admin = make_user("admin", Role.ADMIN, tree["city"])
    actions.do_set_white_paper_pilots(actor=admin, year=2026, add=[tree["market"], tree["housing"]])
    paper = actions.do_draft_white_paper(actor=users["market"], unit=tree["market"], year=2026, content=content)
    with pytest.raises(PermissionDenied):
        actions.do_move_white_paper(actor=users["market"], paper=paper, state="approved")
    with pytest.raises(ValidationError):
        actions.do_move_white_paper(actor=users["market_head"], paper=paper, state="published")
    actions.do_move_white_paper(actor=users["market_head"], paper=paper, state="approved")
    actions.do_move_white_paper(actor=users["market_head"], paper=paper, state="published")
    assert client.get("/targets/white-papers/SZ-SCJG/2026/").status_code == 200
    with pytest.raises(ValidationError):
        actions.do_draft_white_paper(actor=users["market"], unit=tree["market"], year=2026, content={})
    with pytest.raises(ValidationError, match="须说明理由"):
        actions.do_move_white_paper(actor=users["market_head"], paper=paper, state="withdrawn", reason=" ")
    with pytest.raises(ValidationError, match="已发布，不能移出试点：SZ-SCJG"):
        actions.do_set_white_paper_pilots(actor=admin, year=2026, remove=[tree["market"]])
    actions.do_move_white_paper(actor=users["market_head"], paper=paper, state="withdrawn", reason="数据更正")
    assert client.get("/targets/white-papers/SZ-SCJG/2026/").status_code == 404
    actions_logged = list(AuditEntry.objects.filter(object_type="targets.whitepaper").order_by("seq").values_list("action", flat=True))
    assert actions_logged == ["targets.draft_white_paper", "targets.white_paper_approved", "targets.white_paper_published",
                              "targets.white_paper_withdrawn"]
