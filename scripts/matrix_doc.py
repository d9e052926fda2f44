"""Writes the permission matrix (tests/security/matrix.py) into docs/RULES.md §3:
`python scripts/matrix_doc.py` (`make matrix-doc`). The test
tests/security/test_permission_matrix.py::test_rules_md_shows_the_matrix fails until it is run
after a change to the matrix."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "RULES.md"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tests.security.matrix import with_matrix

    text = RULES.read_text(encoding="utf-8")
    new = with_matrix(text)
    if new != text:
        RULES.write_text(new, encoding="utf-8")
        print(f"{RULES.relative_to(ROOT)}: the permission matrix rewritten")
    else:
        print(f"{RULES.relative_to(ROOT)}: the permission matrix is current")


if __name__ == "__main__":
    main()
