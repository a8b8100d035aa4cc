#!/usr/bin/env python3
"""Checks scenarios/scenario.schema.json against the files it describes.

- every scenario file under scenarios/ validates, and names the schema as "../scenario.schema.json";
- every good fixture under tests/data/scenarios/ validates;
- every bad fixture under tests/data/scenarios/bad/ is rejected by the schema, except those whose
  fault only the loader can see (listed below with the reason), which must then pass the schema,
  so that the list stays true when the schema learns more.

Needs python3-jsonschema (Debian package). Usage: schema_check.py [REPO_ROOT]. Exits non-zero on
any failure.
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("schema_check: python3-jsonschema is missing (apt-get install python3-jsonschema)")

# Bad fixtures the schema cannot reject, and why.
LOADER_ONLY = {
    "invalid-json.json": "not JSON at all",
    "duplicate-key.json": "JSON parsers keep the last of two equal keys",
    "unknown-command.json": "command names come from the registry",
    "unknown-reply-command.json": "command names come from the registry",
    "undefined-variable.json": "template syntax and variable names",
    "duplicate-id.json": "ids unique across scenarios",
    "pass-and-non-strict.json": "pass and non_strict disjoint",
}


# Where the schema must complain about each bad fixture it rejects, so that a fixture rejected for
# an unrelated reason (a typo elsewhere) does not pass unnoticed. "several-errors.json" has many.
REJECTED_AT = {
    "bad-code-pattern.json": "/scenarios/0/steps/1/expect",
    "bad-id.json": "/scenarios/0/id",
    "bad-level.json": "/scenarios/0/rfc/0/level",
    "bad-profile.json": "/scenarios/0/profiles/1",
    "bad-requires.json": "/scenarios/0/requires/0",
    "bad-rfc-section.json": "/scenarios/0/rfc/0/section",
    "bad-timeout.json": "/scenarios/0/steps/1/timeout_ms",
    "empty-scenarios.json": "/scenarios",
    "empty-steps.json": "/scenarios/0/steps",
    "empty-title.json": "/scenarios/0/title",
    "greeting-after-send.json": "/scenarios/0/steps/1/expect",
    "missing-field.json": "/scenarios/0",
    "not-an-object.json": "/",
    "null-expectation.json": "/scenarios/0/steps/1/expect",
    "replies-without-raw.json": "/scenarios/0/steps/1",
    "send-with-crlf.json": "/scenarios/0/steps/1/send",
    "several-errors.json": None,
    "silent-step.json": "/scenarios/0/steps/0/expect",
    "steps-not-an-array.json": "/scenarios/0/steps",
    "two-actions.json": "/scenarios/0/steps/1",
    "unknown-field.json": "/scenarios/0/steps/1",
    "wrong-type.json": "/scenarios/0/title",
}


def pointer(error) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path)


class Checker:
    def __init__(self, root: pathlib.Path):
        self.root = root
        schema = json.loads((root / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        self.validator = jsonschema.Draft202012Validator(schema)
        self.passed = 0
        self.failed = 0

    def result(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
            return
        self.failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))

    def errors(self, document) -> list:
        return sorted(self.validator.iter_errors(document), key=lambda e: list(e.absolute_path))

    def describe(self, errors) -> str:
        return "; ".join(f"{pointer(e)}: {e.message}" for e in errors[:5])

    def relative(self, path: pathlib.Path) -> str:
        return str(path.relative_to(self.root))

    def expect_valid(self, path: pathlib.Path) -> dict:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            self.result(False, self.relative(path), f"invalid JSON: {e}")
            return {}
        errors = self.errors(document)
        self.result(not errors, self.relative(path), self.describe(errors))
        return document

    def expect_rejected(self, path: pathlib.Path) -> None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            self.result(False, self.relative(path), f"invalid JSON, yet not listed as loader-only: {e}")
            return
        errors = self.errors(document)
        if not errors:
            self.result(False, self.relative(path), "the schema accepts this bad fixture")
            return
        if path.name not in REJECTED_AT:
            self.result(False, self.relative(path), "not listed in REJECTED_AT or LOADER_ONLY")
            return
        expected = REJECTED_AT[path.name]
        wrong = [e for e in errors if expected is not None and pointer(e) != expected]
        self.result(not wrong, self.relative(path), f"rejected elsewhere than {expected}: " + self.describe(wrong))

    def expect_loader_only(self, path: pathlib.Path) -> None:
        text = path.read_text(encoding="utf-8")
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            self.result(path.name == "invalid-json.json", self.relative(path), "unexpectedly invalid JSON")
            return
        errors = self.errors(document)
        self.result(not errors, self.relative(path),
                    "the schema now rejects it; remove it from LOADER_ONLY. " + self.describe(errors))


def scenario_files(folder: pathlib.Path):
    return sorted(p for p in folder.rglob("*.json") if not p.name.endswith(".schema.json"))


def main() -> int:
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    checker = Checker(root)

    shipped = scenario_files(root / "scenarios")
    checker.result(bool(shipped), "scenarios/", "no scenario files found")
    for path in shipped:
        document = checker.expect_valid(path)
        if document:
            checker.result(document.get("$schema") == "../scenario.schema.json", checker.relative(path),
                           'must start with "$schema": "../scenario.schema.json"')

    fixtures = root / "tests" / "data" / "scenarios"
    for path in scenario_files(fixtures):
        if path.parent.name != "bad":
            checker.expect_valid(path)

    bad = sorted((fixtures / "bad").glob("*.json"))
    checker.result(bool(bad), "tests/data/scenarios/bad/", "no bad fixtures found")
    for name in LOADER_ONLY:
        checker.result((fixtures / "bad" / name).exists(), f"tests/data/scenarios/bad/{name}",
                       "listed in LOADER_ONLY but missing")
    for path in bad:
        if path.name in LOADER_ONLY:
            checker.expect_loader_only(path)
        else:
            checker.expect_rejected(path)

    print(f"schema_check: {checker.passed} passed, {checker.failed} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
