"""Write each language's offset in multilingual-e5-small's space, for relevance/language_offsets.py to take out.

An offset is the mean vector of one language's occupation titles less the mean over all the languages, taken over
the same occupations in every language (ESCO, European Commission: one preferred title per occupation and
language), so what the titles say cancels out and only the language is left. Run once per e5 version:

    python scripts/make_language_offsets.py [--occupations 1000]

writes relevance/data/e5_offsets.npz (the embedder's pinned name, the languages, float32 offsets).
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from benchlib import ESCO, ESCO_LANGUAGES, ESCO_MORE, REPO, load_esco

from relevance.embed import embed_texts
from relevance.embedders.e5 import OFFSETS_FILE, E5Embedder

LANGUAGES = ESCO_LANGUAGES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--occupations", type=int, default=1000, help="occupations drawn (each in every language)")
    args = parser.parse_args()
    preferred: dict[str, dict[str, str]] = defaultdict(dict)
    for t in load_esco(ESCO, ESCO_MORE):
        if t.kind == "preferred" and t.lang in LANGUAGES:
            preferred[t.uri].setdefault(t.lang, t.title)
    everywhere = sorted(uri for uri, titles in preferred.items() if len(titles) == len(LANGUAGES))
    rng = np.random.default_rng(0)
    uris = rng.choice(everywhere, min(args.occupations, len(everywhere)), replace=False)
    e5 = E5Embedder()
    texts = [preferred[uri][lang] for uri in uris for lang in LANGUAGES]
    vectors = embed_texts(texts, e5, cache=None).reshape(len(uris), len(LANGUAGES), e5.dim)
    means = vectors.mean(axis=0)
    offsets = (means - means.mean(axis=0)).astype(np.float32)
    path = REPO / "relevance" / "data" / OFFSETS_FILE
    np.savez(path, embedder=np.array(e5.name), languages=np.array(LANGUAGES), offsets=offsets)
    print(f"{path}: {len(LANGUAGES)} languages from {len(uris)} of {len(everywhere)} occupations, {e5.name}")


if __name__ == "__main__":
    main()
