#!/usr/bin/env python3
"""Checks that every verifier rule is documented and has a negative test.

A rule label looks like `conv2d_c3`. The script collects
  - the labels the verifiers emit: label-shaped words inside string literals
    of the C++ sources given with --sources;
  - the labels docs/Numerics.md defines: `**(label)**`;
  - the labels tests expect: `(label)` in the `expected-error` lines of the
    .mlir files and in string literals of the unit tests given with --tests.
It fails if a verifier label is undocumented or untested, or if the document
defines a label no verifier emits.
"""

import argparse
import pathlib
import re
import sys

LABEL = re.compile(r"\b([a-z][a-z0-9_]*_c\d+)\b")
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
DEFINITION = re.compile(r"\*\*\(([a-z][a-z0-9_]*_c\d+)\)\*\*")
EXPECTED = re.compile(r"expected-error.*\{\{(.*)\}\}")


def labels_in_strings(path):
    text = path.read_text()
    found = set()
    for literal in STRING.findall(text):
        found.update(LABEL.findall(literal))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--doc", required=True, type=pathlib.Path)
    parser.add_argument("--sources", nargs="+", required=True, type=pathlib.Path)
    parser.add_argument("--tests", nargs="+", required=True, type=pathlib.Path)
    args = parser.parse_args()

    emitted = set()
    for source in args.sources:
        emitted |= labels_in_strings(source)
    documented = set(DEFINITION.findall(args.doc.read_text()))
    tested = set()
    for test in args.tests:
        if test.suffix == ".mlir":
            for line in test.read_text().splitlines():
                for message in EXPECTED.findall(line):
                    tested.update(re.findall(r"\(([a-z][a-z0-9_]*_c\d+)\)", message))
        else:
            tested |= labels_in_strings(test)

    problems = []
    for label in sorted(emitted - documented):
        problems.append(f"verifier label {label} is not defined in {args.doc.name}")
    for label in sorted(documented - emitted):
        problems.append(f"{args.doc.name} defines {label}, which no verifier emits")
    for label in sorted(emitted - tested):
        problems.append(f"verifier label {label} has no negative test")
    for problem in problems:
        print("error:", problem)
    print(f"{len(emitted)} verifier labels, {len(documented)} documented, "
          f"{len(tested & emitted)} tested")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
