"""The packaged data file is what the generator makes from the pinned chinesecalendar."""

from __future__ import annotations

import json
from pathlib import Path

from zeren.workdays.generate import DATA_FILE, build_schedule, main, render


def test_packaged_data_file_is_up_to_date() -> None:
    assert main(["--check"]) == 0


def test_generator_output_round_trips_and_covers_2004_to_2026(tmp_path: Path) -> None:
    output = tmp_path / "china.json"
    assert main(["--output", str(output)]) == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document == json.loads(render(build_schedule()))
    assert (document["first_year"], document["last_year"]) == (2004, 2026)
    assert document["source"] == "chinesecalendar 1.11.0"
    assert {"date": "2024-02-04", "label": "春节", "label_en": "Spring Festival"} in document["workdays"]
    assert output.read_bytes() == DATA_FILE.read_bytes()
