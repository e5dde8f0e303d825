"""The documentation's complete example is a talk the kit accepts: the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, run_cli

DOC = REPO / "docs" / "content-format.md"


def test_the_complete_example_in_the_docs_builds(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    example = text.split("## A complete example", 1)[1].split("## Reference", 1)[0]
    notes = re.search(r"```markdown\n(.*?)```", example, re.S)
    talk = re.search(r"`content/talk.yaml`:\s*```yaml\n(.*?)```", example, re.S)
    assert talk, "the complete example is missing"
    (tmp_path / "content" / "notes").mkdir(parents=True)
    (tmp_path / "content" / "talk.yaml").write_text(talk[1], encoding="utf-8")
    if notes:
        (tmp_path / "content" / "notes" / "purpose.md").write_text(notes[1], encoding="utf-8")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 0, result.output
    assert "ok handout.pdf" in result.output and "ok slides.html" in result.output
