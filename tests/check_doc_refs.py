#!/usr/bin/env python3
"""Every reference to a document of the project must resolve.

A clone of the repository is all a reader has: a comment "see doc/theory/scheme.md
section 11" is a promise that the file exists and has a section 11. This script reads the
files given (sources, headers, tests, scripts, examples, documents) and checks

  * every name ending in .md (doc/<name>.md, theory/<name>.md, <name>.md) names a file of the project;
  * every "<file>.md section N[.M]" / "<file>.md sections N and M" / "<file>.md §N"
    names a numbered heading of that file ("## N." or "### N.M");
  * every "manual, section N" / "manual section N" / "manual §N" names a heading of
    doc/manual.md;
  * in a markdown document, a bare "section N" names a heading of the document itself
    (unless it says whose section it is: "the paper's section 4", "its section 4.1");
  * every relative markdown link [text](path) names a file of the project.

Exit status 1 with one line per broken reference; 0 and a count otherwise.

Usage: check_doc_refs.py ROOT FILE...   (FILE relative to ROOT)
"""
import os
import re
import sys

NUM = r"[0-9]+(?:\.[0-9]+)?"
# "sections 2 and 3", "sections 8-9", "sections 2, 5 and 7"
NUMLIST = NUM + r"(?:\s*(?:,|and|-|–|to)\s*" + NUM + r")*"
MD = r"(?<![\w/.-])((?:\.\./)*(?:doc/)?(?:theory/)?[A-Za-z0-9_-]+\.md)\b"
FILE_SECTION = re.compile(MD + r"\)?,?\s+(?:sections?\s+|§\s*)(" + NUMLIST + ")")
FILE_ONLY = re.compile(MD)
MANUAL_SECTION = re.compile(r"\bmanual\)?,?\s+(?:sections?\s+|§\s*)(" + NUMLIST + ")", re.I)
BARE_SECTION = re.compile(r"(\S+\s+)?(\S+\s+)?\b[Ss]ections?\s+(" + NUMLIST + ")")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
# words before a bare "section N" that say it is not this document's
FOREIGN = re.compile(r"(paper|paper's|its|their|lemma|theorem|\.md\)?,?|manual\)?,?|\]\([^)]*\))$", re.I)


def numbers(text):
    return re.findall(NUM, text)


def headings(path, cache={}):
    if path not in cache:
        found = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"#{1,6}\s+(" + NUM + r")[.\s]", line)
                if m:
                    found.add(m.group(1))
        cache[path] = found
    return cache[path]


def resolve(root, source, name):
    """The project file a .md name refers to, or None."""
    here = os.path.dirname(os.path.join(root, source))
    base = name
    while base.startswith("../"):
        base = base[3:]
    candidates = [os.path.join(here, name), os.path.join(root, base), os.path.join(root, "doc", base),
                  os.path.join(root, "doc", "theory", base)]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.normpath(c)
    return None


def check(root, source, errors):
    path = os.path.join(root, source)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except UnicodeDecodeError:
        return 0
    is_md = source.endswith(".md")
    count = 0
    for lineno, line in enumerate(lines, 1):
        where = f"{source}:{lineno}"
        # a reference may break across lines: look at this line joined with the next
        # (without the comment leader of the next line: " * ", "# ", "// ")
        following = re.sub(r"^\s*(?:\*|#+|//|--|;)?\s*", "", lines[lineno]) if lineno < len(lines) else ""
        text = line.rstrip("\n") + " " + following
        text_here = line
        for m in FILE_ONLY.finditer(text_here):
            count += 1
            if resolve(root, source, m.group(1)) is None:
                errors.append(f"{where}: {m.group(1)}: no such document")
        for m in FILE_SECTION.finditer(text):
            if m.start() >= len(line):
                continue
            target = resolve(root, source, m.group(1))
            if target is None:
                continue  # reported above
            for n in numbers(m.group(2)):
                count += 1
                if n not in headings(target):
                    errors.append(f"{where}: {m.group(1)} has no section {n}")
        manual = os.path.join(root, "doc", "manual.md")
        for m in MANUAL_SECTION.finditer(text):
            if m.start() >= len(line):
                continue
            for n in numbers(m.group(1)):
                count += 1
                if n not in headings(manual):
                    errors.append(f"{where}: the manual has no section {n}")
        if is_md:
            for m in BARE_SECTION.finditer(text):
                if m.start(3) >= len(line) + 1 or m.start() >= len(line):
                    continue
                before = (m.group(2) or m.group(1) or "").strip()
                before2 = (m.group(1) or "").strip() if m.group(2) else ""
                if FOREIGN.search(before) or FOREIGN.search(before2):
                    continue
                for n in numbers(m.group(3)):
                    count += 1
                    if n not in headings(path):
                        errors.append(f"{where}: this document has no section {n}")
            for m in LINK.finditer(text_here):
                target = m.group(1)
                if re.match(r"[a-z]+:", target):
                    continue  # a URL
                count += 1
                if not os.path.exists(os.path.join(os.path.dirname(path), target)):
                    errors.append(f"{where}: link to {target}: no such file")
    return count


def main():
    root, files = sys.argv[1], sys.argv[2:]
    errors = []
    count = sum(check(root, f, errors) for f in files)
    for e in errors:
        print("FAIL:", e)
    if errors:
        print(f"{len(errors)} broken references to documents")
        return 1
    print(f"ok  : {count} references to documents in {len(files)} files resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
