#!/usr/bin/env bash
# End-to-end test of `smtpspec run --junit FILE`: the JUnit report of real runs, read by a real
# consumer (junitparser, through tests/reports/junit_check.py), must agree with the JSON report
# of the same run — against the embedded server (everything passes), against a server that
# answers RCPT without MAIL with 250 (failures, whose messages junitparser must see), and against
# one that answers NOOP and RSET with 200 (warnings; with --strict, failures).
#
# Usage: tests/reports/junit_e2e.sh PATH/TO/smtpspec PATH/TO/misbehaving_server
set -uo pipefail

fail() { echo "junit_e2e: FAIL: $*" >&2; exit 1; }

[[ $# -eq 2 ]] || { echo "usage: $0 PATH/TO/smtpspec PATH/TO/misbehaving_server" >&2; exit 2; }
smtpspec=$1
misbehaving=$2
[[ -x "$smtpspec" ]] || fail "smtpspec binary '$smtpspec' is not executable"
[[ -x "$misbehaving" ]] || fail "misbehaving_server '$misbehaving' is not executable"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3
[[ -x "$python" ]] || fail "$python is missing (ci/install-deps test installs it)"
"$python" -c 'import junitparser' 2>/dev/null \
  || fail "junitparser is missing for $python: install Debian's python3-junitparser (ci/install-deps test)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME EXPECTED_EXIT_CODE SMTPSPEC_ARGUMENTS... — one run writing both reports, then the check.
run() {
  local name=$1 expected_rc=$2
  shift 2
  local json="$tmp/$name.json" junit="$tmp/$name.xml" console="$tmp/$name.console"
  "$smtpspec" run --color never --json "$json" --junit "$junit" "$@" >"$console" 2>&1
  local rc=$?
  if [[ $rc -eq 2 ]] && grep -q -- '--junit' "$console"; then
    cat "$console" >&2
    fail "smtpspec run does not accept --junit yet (it is wired in harness/cli/run.cpp)"
  fi
  [[ $rc -eq $expected_rc ]] || { cat "$console" >&2; fail "$name: smtpspec exited $rc, expected $expected_rc"; }
  [[ -s "$json" ]] || fail "$name: no JSON report at $json"
  [[ -s "$junit" ]] || fail "$name: no JUnit report at $junit"
  local check_flags=()
  [[ $expected_rc -eq 1 ]] && check_flags+=(--expect-failures)
  "$python" "$here/junit_check.py" "$junit" "$json" "${check_flags[@]}" >"$tmp/$name.check" 2>&1 \
    || { cat "$tmp/$name.check" >&2; fail "$name: the JUnit report disagrees with the JSON report"; }
  cat "$tmp/$name.check"
}

spawn() { printf "'%s' %s --stdio" "$misbehaving" "$1"; }

echo "junit_e2e: the embedded server"
run embedded 0 --timeout 5

echo "junit_e2e: a server that accepts RCPT without MAIL"
run rcpt-without-mail 1 --spawn "$(spawn rcpt-without-mail)" --timeout 2
# The failure junitparser reads names what RFC 5321 §3.3 demands and what the server said.
grep -q 'Expected: 503 / Actual: 250 .*(unexpected, RFC 5321 §' "$tmp/rcpt-without-mail.check" \
  || { cat "$tmp/rcpt-without-mail.check" >&2; fail "rcpt-without-mail: no 'Expected: 503 / Actual: 250' failure"; }

echo "junit_e2e: a server that answers NOOP and RSET with 200 (warnings pass)"
run noop-rset-200 0 --spawn "$(spawn noop-rset-200)" --only 'rfc5321/4.1.1.9/1' 'rfc5321/4.1.1.5/1' --timeout 2
grep -q '<system-out>.*' "$tmp/noop-rset-200.xml" && grep -q 'verdict    nonstandard' "$tmp/noop-rset-200.xml" \
  || fail "noop-rset-200: the warning's details are not in <system-out>"

echo "junit_e2e: the same server with --strict (warnings fail)"
run noop-rset-200-strict 1 --spawn "$(spawn noop-rset-200)" --only 'rfc5321/4.1.1.9/1' 'rfc5321/4.1.1.5/1' \
  --timeout 2 --strict
grep -q '(nonstandard, ' "$tmp/noop-rset-200-strict.check" \
  || { cat "$tmp/noop-rset-200-strict.check" >&2; fail "noop-rset-200 --strict: no failure naming the nonstandard reply"; }

echo "junit_e2e: the wrong server judged with the baseline its own run wrote (failures waived)"
"$smtpspec" run --color never --spawn "$(spawn rcpt-without-mail)" --timeout 2 --write-baseline "$tmp/baseline.json" \
  >"$tmp/write-baseline.console" 2>&1
[[ -s "$tmp/baseline.json" ]] || { cat "$tmp/write-baseline.console" >&2; fail "--write-baseline wrote nothing"; }
run waived 0 --spawn "$(spawn rcpt-without-mail)" --timeout 2 --baseline "$tmp/baseline.json"
grep -q '"waived": [1-9]' "$tmp/waived.json" || fail "waived: the JSON summary counts no waived scenario"
grep -q 'WAIVED by the baseline' "$tmp/waived.xml" || fail "waived: the JUnit report does not say what was waived"

echo "junit_e2e: the same baseline, expired (failures again)"
sed 's/"reason": /"expires": "2000-01-01", "reason": /' "$tmp/baseline.json" >"$tmp/expired.json"
run expired 1 --spawn "$(spawn rcpt-without-mail)" --timeout 2 --baseline "$tmp/expired.json"
grep -q 'waiver expired' "$tmp/expired.xml" || fail "expired: the JUnit failure does not say the waiver expired"

echo "junit_e2e: PASS"
