"""Check hand-written corpus batches against their plan while writing.

Usage: python scripts/corpus/check_batch.py data/batches/A01.jsonl [more files...]
Prints every problem; exit 1 when any. Also compares against all other written batches
for near-duplicates (word 5-gram Jaccard > 0.3) and repeated openings.
"""

from __future__ import annotations

import glob
import json
import re
import sys
from collections import Counter
from pathlib import Path

from claims.validation import iban_is_valid

ROOT = Path(__file__).resolve().parents[2]
TYPES = {
    "PERSON",
    "LOCATION",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "DATE_OF_BIRTH",
    "POLICY_NUMBER",
    "CLAIM_NUMBER",
    "LICENSE_PLATE",
    "TAX_ID",
    "SOCIAL_SECURITY",
}
KEYS = {"id", "text", "damage_type", "urgency", "department", "note"}
MARK = re.compile(r"\[\[([A-Z_]+):([^\[\]]+?)\]\]")


def plain(text: str) -> str:
    return MARK.sub(lambda m: m.group(2), text)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", plain(text).lower())


def grams(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def check_file(path: Path) -> list[str]:
    problems = []
    plan = {s["id"]: s for s in json.loads((ROOT / "data/plan" / (path.stem + ".json")).read_text())}
    seen = set()
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            problems.append(f"{path.name}:{ln}: empty line")
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path.name}:{ln}: invalid JSON ({e.msg})")
            continue
        cid = r.get("id")
        if set(r) != KEYS:
            problems.append(f"{path.name}:{ln} {cid}: keys {sorted(r)}")
            continue
        seen.add(cid)
        spec = plan.get(cid)
        if not spec:
            problems.append(f"{path.name}:{ln} {cid}: id not in plan")
            continue
        for k in ("damage_type", "urgency", "department"):
            if r[k] != spec[k]:
                problems.append(f"{path.name}:{ln} {cid}: {k} {r[k]} != plan {spec[k]}")
        t = r["text"]
        stripped = MARK.sub("", t)
        if "[[" in stripped or "]]" in stripped:
            problems.append(f"{path.name}:{ln} {cid}: broken markup")
        found = Counter()
        for m in MARK.finditer(t):
            typ, val = m.groups()
            if typ not in TYPES:
                problems.append(f"{path.name}:{ln} {cid}: unknown type {typ}")
            if val != val.strip():
                problems.append(f"{path.name}:{ln} {cid}: padded value in {typ}")
            if typ == "IBAN_CODE" and not iban_is_valid(val):
                problems.append(f"{path.name}:{ln} {cid}: IBAN fails mod-97")
            found[typ] += 1
        for typ in spec["pii_types"]:
            if not found[typ]:
                problems.append(f"{path.name}:{ln} {cid}: planned {typ} not marked")
        for typ, v in spec["pii_values"].items():
            digits = re.sub(r"\W", "", v)
            if not any(re.sub(r"\W", "", m.group(2)) == digits for m in MARK.finditer(t) if m.group(1) == typ):
                problems.append(f"{path.name}:{ln} {cid}: planned {typ} value not used as given")
        if len(r["note"]) > 200 or not r["note"].strip():
            problems.append(f"{path.name}:{ln} {cid}: note empty or > 200 chars")
        if spec["rule"] and not r["note"].startswith(f"Rule {spec['rule']}:"):
            problems.append(f"{path.name}:{ln} {cid}: note must start with 'Rule {spec['rule']}:'")
        n = len(words(t))
        if not (0.5 * spec["target_words"] <= n <= 1.6 * spec["target_words"] + 10):
            problems.append(f"{path.name}:{ln} {cid}: {n} words, plan {spec['target_words']}")
    missing = set(plan) - seen
    if missing:
        problems.append(f"{path.name}: {len(missing)} planned claims missing: {sorted(missing)[:5]}...")
    return problems


def corpus_checks(targets: list[Path]) -> list[str]:
    records = []
    for f in sorted(glob.glob(str(ROOT / "data/batches/*.jsonl"))):
        for line in Path(f).read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    target_ids = {
        json.loads(line)["id"]
        for p in targets
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("{")
    }
    problems = []
    g = {r["id"]: grams(r["text"]) for r in records if "text" in r}
    for a in target_ids:
        for b, gb in g.items():
            if a == b or a not in g or not g[a] or not gb:
                continue
            j = len(g[a] & gb) / len(g[a] | gb)
            if j > 0.3:
                problems.append(f"{a}: near-duplicate of {b} (5-gram Jaccard {j:.2f}) — rewrite")
    openings = Counter(" ".join(words(r["text"])[:4]) for r in records if "text" in r)
    limit = max(3, int(0.02 * 2600))
    for r in records:
        if r.get("id") in target_ids:
            o = " ".join(words(r["text"])[:4])
            if openings[o] > limit * 0.5:
                problems.append(f"{r['id']}: opening '{o}' already used {openings[o]} times corpus-wide — vary it")
    return problems


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    out = [p for path in paths for p in check_file(path)] + corpus_checks(paths)
    print("\n".join(out) if out else f"OK: {len(paths)} file(s)")
    sys.exit(1 if out else 0)
