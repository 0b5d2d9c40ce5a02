"""Assemble the written batches into the corpus splits, by writer: no batch straddles splits.

Writers A-F -> train, G -> dev, H -> test: dev and test are written by writers the model never
saw in training, which is how insurers evaluate it.
Usage: python scripts/corpus/assemble.py
"""

from __future__ import annotations

import glob
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPLIT_OF_WRITER = {**{w: "train" for w in "ABCDEF"}, "G": "dev", "H": "test"}


def main() -> None:
    out_dir = ROOT / "data" / "claims"
    out_dir.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for path in sorted(glob.glob(str(ROOT / "data" / "batches" / "*.jsonl"))):
        split = SPLIT_OF_WRITER[Path(path).stem[0]]
        lines[split] += [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for split, rows in lines.items():
        (out_dir / f"{split}.jsonl").write_text("".join(row + "\n" for row in rows), encoding="utf-8")
        print(f"{split}: {len(rows)} claims")


if __name__ == "__main__":
    main()
