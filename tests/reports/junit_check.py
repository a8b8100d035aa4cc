#!/usr/bin/python3
"""Reads a JUnit report with a real consumer, junitparser (Debian's python3-junitparser), and
checks it against the JSON report of the same run.

usage: junit_check.py JUNIT_FILE JSON_FILE [--expect-failures]

Checked: the root's and every suite's tests/failures/errors/skipped attributes agree with the
test cases junitparser finds in them, and the totals with the JSON summary (failures = failed,
errors = errors, skipped = skipped + unimplemented, tests = scenarios; waived scenarios pass); every scenario has one
test case whose result matches its outcome; every failure's message is "Expected: … / Actual: …"
of the scenario's first failing step. --expect-failures also demands at least one failure, for a
run against a server that is wrong on purpose.

Run with /usr/bin/python3: the Debian package installs junitparser for it, not for a pyenv one.
"""
import json
import sys

try:
    from junitparser import Error, Failure, JUnitXml, Skipped
except ImportError:
    sys.exit("junit_check: junitparser is missing; install Debian's python3-junitparser (ci/install-deps test)")

FAILING_VERDICTS = {"unexpected", "violation", "malformed", "timeout", "disconnected"}
WARNING_VERDICTS = {"non_strict", "nonstandard", "deprecated"}


class Problems:
    def __init__(self):
        self.found = []

    def expect_equal(self, what, junit_value, json_value):
        if junit_value != json_value:
            self.found.append(f"{what}: JUnit says {junit_value}, the JSON report says {json_value}")

    def add(self, message):
        self.found.append(message)


def result_kind(case):
    """What junitparser makes of a test case: passed, failure, error or skipped."""
    kinds = [r for r in case.result if isinstance(r, (Failure, Error, Skipped))]
    if not kinds:
        return "passed"
    if len(kinds) > 1:
        return "several results"
    return {Failure: "failure", Error: "error", Skipped: "skipped"}[type(kinds[0])]


def counted(cases):
    kinds = [result_kind(c) for c in cases]
    return {"tests": len(cases), "failures": kinds.count("failure"), "errors": kinds.count("error"),
            "skipped": kinds.count("skipped")}


def declared(element):
    return {"tests": element.tests, "failures": element.failures, "errors": element.errors,
            "skipped": element.skipped}


def check_attributes_agree(junit, problems):
    all_cases = []
    for suite in junit:
        cases = list(suite)
        all_cases.extend(cases)
        for name, value in counted(cases).items():
            problems.expect_equal(f"suite {suite.name!r} attribute {name} against its test cases",
                                  declared(suite)[name], value)
    for name, value in counted(all_cases).items():
        problems.expect_equal(f"root attribute {name} against the test cases", declared(junit)[name], value)
    return all_cases


def check_totals(junit, cases, report, problems):
    summary = report["summary"]
    wanted = {"tests": summary["scenarios"], "failures": summary["failed"], "errors": summary["errors"],
              "skipped": summary["skipped"] + summary["unimplemented"]}
    for name, value in wanted.items():
        problems.expect_equal(f"root attribute {name}", declared(junit)[name], value)
        problems.expect_equal(f"{name} among the test cases", counted(cases)[name], value)
    problems.expect_equal("root time (s)", round(junit.time, 3), round(report["duration_ms"] / 1000, 3))


def expected_kind(outcome):
    # A waived failure is accepted by the run's baseline: it passes for CI.
    return {"passed": "passed", "warned": "passed", "failed": "failure", "waived": "passed", "error": "error",
            "skipped": "skipped", "unimplemented": "skipped"}[outcome]


def first_offending_step(scenario):
    steps = scenario["steps"]
    # A failure the baseline does not accept is why the scenario failed.
    for step in steps:
        if step["verdict"] in FAILING_VERDICTS and not step.get("waived", False):
            return step
    for verdicts in (FAILING_VERDICTS, FAILING_VERDICTS | WARNING_VERDICTS):
        for step in steps:
            if step["verdict"] in verdicts:
                return step
    return None


def check_failure_message(scenario, case, problems):
    failure = next(r for r in case.result if isinstance(r, Failure))
    message = failure.message or ""
    step = first_offending_step(scenario)
    if step is None:
        problems.add(f"{scenario['id']}: failed in the JSON report, but no step failed there")
        return
    prefix = f"Expected: {', '.join(step['expected'])} / Actual: {step['actual'] or '-'} ({step['verdict']}"
    # Server text in `actual` is escaped in JUnit; compare exactly only what needs no escaping.
    if prefix.isprintable() and prefix.isascii():
        if not message.startswith(prefix):
            problems.add(f"{scenario['id']}: failure message {message!r} does not begin with {prefix!r}")
    elif not (message.startswith("Expected: ") and " / Actual: " in message):
        problems.add(f"{scenario['id']}: failure message {message!r} is not 'Expected: … / Actual: …'")
    if step["rfc"] and step["rfc"] not in message:
        problems.add(f"{scenario['id']}: failure message {message!r} does not cite {step['rfc']!r}")


def check_scenarios(cases, report, problems):
    by_name = {}
    for case in cases:
        by_name.setdefault(case.name.split(": ", 1)[0], []).append(case)
    for scenario in report["scenarios"]:
        matches = by_name.get(scenario["id"], [])
        if len(matches) != 1:
            problems.add(f"{scenario['id']}: {len(matches)} test cases, expected 1")
            continue
        case = matches[0]
        kind = result_kind(case)
        problems.expect_equal(f"{scenario['id']} (outcome {scenario['outcome']}) result", kind,
                              expected_kind(scenario["outcome"]))
        if kind == "failure" and scenario["outcome"] == "failed":
            check_failure_message(scenario, case, problems)
    return [c for c in cases if result_kind(c) == "failure"]


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a for a in argv[1:] if a.startswith("--")}
    if len(args) != 2 or not flags <= {"--expect-failures"}:
        sys.exit(__doc__.strip().splitlines()[3])
    junit_path, json_path = args
    try:
        junit = JUnitXml.fromfile(junit_path)
    except Exception as error:   # junitparser raises lxml's or ElementTree's own errors
        sys.exit(f"junit_check: {junit_path} is not readable JUnit XML: {error}")
    with open(json_path, encoding="utf-8") as file:
        report = json.load(file)

    problems = Problems()
    cases = check_attributes_agree(junit, problems)
    check_totals(junit, cases, report, problems)
    failures = check_scenarios(cases, report, problems)
    if "--expect-failures" in flags and not failures:
        problems.add("no failure in the JUnit report, but the run was meant to have some")

    if problems.found:
        print(f"junit_check: {junit_path} disagrees with {json_path}:", file=sys.stderr)
        for problem in problems.found:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"junit_check: {junit_path}: {len(cases)} tests, {len(failures)} failures, "
          f"{counted(cases)['errors']} errors, {counted(cases)['skipped']} skipped — agrees with {json_path}")
    for case in cases:
        for result in case.result:
            if isinstance(result, Failure):
                print(f"  failure {case.name}: {result.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
