"""Copy the front-end files named in package.json's "zvonarStatic" from node_modules."""

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "zvonar" / "static" / "vendor"


def main() -> int:
    mapping = json.loads((ROOT / "package.json").read_text())["zvonarStatic"]
    for source, target in mapping.items():
        source_path = ROOT / "node_modules" / source
        if not source_path.exists():
            print(f"missing {source_path}: run npm ci first", file=sys.stderr)
            return 1
        target_path = TARGET / target
        target_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
