#!/usr/bin/env python3
"""generator_variant.py - a copy of the synthetic generator with a partnership unlike its own.

The estimator is judged on data it has not seen (docs/linkage.md 17). Names and seeds are
varied by the evaluators' own options; this varies what the generator fixes in its
constants, so that a rule tuned to them shows it:

  gender-mix  55% men, 41% women and 4% gender X, where the generator draws 88%, 11% and 1%
  shape       the partners' reach (Stadsmissionen 30%, Rädda Barnen 20%, Röda Korset 60%,
              the outreach unit 45%, where the generator has 55%, 35%, 40% and 20%), more
              people from Somalia and Eritrea (25% and 20%, patronymic chains) and fewer
              from Afghanistan (30%), and shorter spans of visits (400 days on average
              becomes 250)

    bench/generator_variant.py VARIANT OUT.py [--generator ../shared/data/make_iop_visits.py]
    bench/linkage_estimate_eval.py --generator OUT.py ...

Each replacement must match the generator's text exactly once, or nothing is written: a
generator that has changed is refused, not silently left as it was.
"""
import argparse
import os
import sys

from linkage_eval2 import default_generator

VARIANTS = {
    "gender-mix": [
        ('self.gender = "M" if g < .88 else ("F" if g < .99 else "X")',
         'self.gender = "M" if g < .55 else ("F" if g < .96 else "X")'),
    ],
    "shape": [
        ('REACH = {"stadsmissionen": .55, "raddabarnen": .35, "rodakorset": .40, "uppsok": .20}',
         'REACH = {"stadsmissionen": .30, "raddabarnen": .20, "rodakorset": .60, "uppsok": .45}'),
        ('COUNTRIES = [("Afghanistan", .55), ("Marocko", .10), ("Somalia", .10), ("Eritrea", .08),',
         'COUNTRIES = [("Afghanistan", .30), ("Marocko", .08), ("Somalia", .25), ("Eritrea", .20),'),
        ("span = int(rng.expovariate(1 / 400)) + 1", "span = int(rng.expovariate(1 / 250)) + 1"),
    ],
}


def variant(text, name):
    """The generator's text with the variant's replacements, or an error naming the one
    that does not match exactly once."""
    for old, new in VARIANTS[name]:
        n = text.count(old)
        if n != 1:
            sys.exit("generator_variant.py: %r found %d times in the generator (want 1)" % (old, n))
        text = text.replace(old, new)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variant", choices=sorted(VARIANTS))
    ap.add_argument("out")
    ap.add_argument("--generator", default=default_generator())
    a = ap.parse_args()
    with open(a.generator, encoding="utf-8") as f:
        text = variant(f.read(), a.variant)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
