#!/usr/bin/env bash
# End-to-end test of `smtpspec run --spawn` against a real stdio SMTP server: Debian's Exim,
# provisioned by ci/servers/exim-stdio (which needs root and Debian's package repository).
#
# Usage: tests/e2e/spawn_exim.sh PATH/TO/smtpspec
#
# Passes when the run had no harness error, at least 20 scenarios got a verdict (outcome other
# than skipped or unimplemented), the EHLO scenario passed, and Exim's greeting is in a
# transcript. Which scenarios Exim passes is not asserted here: that is for the scenarios to say.
# If Exim cannot be provisioned this FAILS, unless SMTPSPEC_OFFLINE=1, which skips the test.
set -uo pipefail

fail() { echo "spawn_exim: FAIL: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || { echo "usage: $0 PATH/TO/smtpspec" >&2; exit 2; }
smtpspec=$1
[[ -x "$smtpspec" ]] || fail "smtpspec binary '$smtpspec' is not executable"

if [[ "${SMTPSPEC_OFFLINE:-}" == 1 ]]; then
  echo "skipped: offline (SMTPSPEC_OFFLINE=1: Exim is not provisioned)"
  exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=/usr/bin/python3
[[ -x "$python" ]] || fail "$python is missing (ci/install-deps test installs it)"

echo "spawn_exim: provisioning Exim with ci/servers/exim-stdio"
cmd=$("$root/ci/servers/exim-stdio") \
  || fail "ci/servers/exim-stdio could not provision Exim (reason above); set SMTPSPEC_OFFLINE=1 to skip this test on a machine without Debian's package repository"
[[ -n "$cmd" ]] || fail "ci/servers/exim-stdio printed no command line"
echo "spawn_exim: --spawn \"$cmd\""

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
report="$tmp/report.json"

"$smtpspec" run --spawn "$cmd" --json "$report" --timeout 10 --color never >"$tmp/console.txt" 2>&1
rc=$?
# 0: nothing failed; 1: some scenario failed (judged below); anything else is not a run.
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
  cat "$tmp/console.txt"
  fail "smtpspec run exited with $rc (2 usage or scenario error, 3 server could not be started, 4 harness error)"
fi
[[ -s "$report" ]] || { cat "$tmp/console.txt"; fail "smtpspec run wrote no JSON report"; }
# The console report's failures and summary, for the ctest log.
sed -n '/^Summary:/,$p' "$tmp/console.txt"

"$python" - "$report" "$tmp/console.txt" <<'EOF'
import json
import re
import sys

report_path, console_path = sys.argv[1], sys.argv[2]
with open(report_path, encoding="utf-8") as f:
    report = json.load(f)

problems = []
summary = report["summary"]
scenarios = report["scenarios"]

if summary["errors"] != 0:
    errors = [f'{s["id"]}: {s["harness_error"]}' for s in scenarios if s["outcome"] == "error"]
    problems.append(f'{summary["errors"]} harness error(s) (summary.errors must be 0):\n    '
                    + "\n    ".join(errors))

judged = [s for s in scenarios if s["outcome"] not in ("skipped", "unimplemented")]
if len(judged) < 20:
    problems.append(f"only {len(judged)} of {len(scenarios)} scenarios got a verdict (outcome other "
                    "than skipped/unimplemented); at least 20 must")

ehlo_id = "rfc5321/4.1.1.1/2"   # "EHLO is accepted"
ehlo = [s for s in scenarios if s["id"] == ehlo_id]
if not ehlo:
    problems.append(f"the EHLO scenario {ehlo_id} did not run")
elif ehlo[0]["outcome"] != "passed":
    steps = "; ".join(f'step {st["step"]}: {st["verdict"]} ({st["actual"]})' for st in ehlo[0]["steps"])
    problems.append(f'the EHLO scenario {ehlo_id} is {ehlo[0]["outcome"]}, not passed: {steps}')

def server_text(scenario):
    return "".join(t["data"] for t in scenario["transcript"] if t["dir"] == "S")

greeting = re.compile(r"^220[ -].*\bExim\b", re.MULTILINE)
greeted = [s["id"] for s in scenarios if greeting.search(server_text(s))]
if not greeted:
    first = server_text(scenarios[0])[:300] if scenarios else "(no scenario ran)"
    problems.append("no transcript holds Exim's greeting (a line '220 ... Exim ...'); "
                    f"the first scenario's server side began: {first!r}")

outcomes = {}
for s in scenarios:
    outcomes.setdefault(s["outcome"], []).append(s["id"])
print("spawn_exim: outcomes " + ", ".join(f"{k} {len(v)}" for k, v in sorted(outcomes.items())))
for outcome in ("failed", "warned", "unimplemented"):
    for sid in outcomes.get(outcome, []):
        print(f"spawn_exim:   {outcome}: {sid}")

if problems:
    with open(console_path, encoding="utf-8", errors="replace") as f:
        sys.stderr.write(f.read())
    for p in problems:
        print(f"spawn_exim: FAIL: {p}", file=sys.stderr)
    sys.exit(1)
print(f"spawn_exim: ok: {len(judged)} scenarios judged, EHLO passed, Exim's greeting in "
      f"{len(greeted)} transcript(s)")
EOF
