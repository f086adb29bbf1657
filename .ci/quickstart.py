"""Print a command line of the README's "Quick start" block: `main` (the first) or `test` (the second)."""

import re
import sys
from pathlib import Path

readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
section = readme.split("## Quick start", 1)[1]
block = re.search(r"```[a-z]*\n(.*?)```", section, re.S).group(1)
lines = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
if len(lines) != 2:
    sys.exit(f"README's Quick start block must hold exactly 2 command lines; found {len(lines)}")
print(lines[{"main": 0, "test": 1}[sys.argv[1]]])
