#!/usr/bin/env bash
# Opens real HTML reports in headless Chromium: one of a run against the embedded server and one
# of a run with failures (misbehaving_server noop-rset-200, spawned per scenario). For each it
# checks that the page logged nothing to the console (a script error, or a CSP refusal if the
# script's pinned hash were stale), that the script ran (it sets <body data-ready="true">), that
# every scenario is an expandable item, and that the screenshot is not blank.
#
#     html_browser_check.sh SMTPSPEC MISBEHAVING_SERVER [HTML_FROM_JSON]
#
# HTML_FROM_JSON (a test-only tool) renders the report from --json while `smtpspec run` has no
# --html option. Without Chromium the check fails (CI installs it: ci/install-deps test), unless
# SMTPSPEC_OFFLINE=1. SMTPSPEC_HTML_SCREENSHOT=FILE keeps the embedded run's screenshot.
set -euo pipefail

smtpspec=${1:?usage: html_browser_check.sh SMTPSPEC MISBEHAVING_SERVER [HTML_FROM_JSON]}
misbehaving=${2:?usage: html_browser_check.sh SMTPSPEC MISBEHAVING_SERVER [HTML_FROM_JSON]}
html_from_json=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
min_colours=16

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
  if [[ "${SMTPSPEC_OFFLINE:-}" == 1 ]]; then echo "skipped: offline (no chromium)"; exit 0; fi
  echo "html_browser_check: chromium is not installed (ci/install-deps test installs it)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "html_browser_check: $*" >&2; exit 1; }

# Runs smtpspec with ARGS and writes the HTML report to OUT; exit 1 (scenarios failed) is fine.
make_report() {
  local out=$1; shift
  local status=0
  if [[ $("$smtpspec" run --help) == *--html* ]]; then
    "$smtpspec" run --color never --html "$out" "$@" >"$work/run.log" 2>&1 || status=$?
  else
    [[ -n "$html_from_json" ]] || fail "smtpspec run has no --html and no HTML_FROM_JSON was given"
    "$smtpspec" run --color never --json "$out.json" "$@" >"$work/run.log" 2>&1 || status=$?
  fi
  [[ $status -le 1 ]] || { cat "$work/run.log" >&2; fail "smtpspec run $* exited with $status"; }
  if [[ ! -f "$out" ]]; then "$html_from_json" "$out.json" "$out" || fail "cannot render $out.json"; fi
}

# Headless Chromium, isolated from the network and from any profile; one profile per call.
browse() {
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 --hide-scrollbars "$@"
}

check_report() {
  local name=$1 report=$2
  browse --dump-dom "file://$report" >"$work/$name.dom" 2>"$work/$name.log" || fail "$name: chromium failed"
  # Chromium logs every console message, whatever its level, as ":CONSOLE"; the report logs none.
  if grep -E ':CONSOLE|Uncaught' "$work/$name.log" >&2; then fail "$name: the page logged to the console"; fi
  grep -q '<body data-ready="true">' "$work/$name.dom" || fail "$name: the report's script did not run"
  local items scenarios
  items=$(grep -o '<details class="scenario"' "$work/$name.dom" | wc -l)
  scenarios=$(grep -o '<details class="scenario"' "$report" | wc -l)
  [[ $items -gt 0 && $items -eq $scenarios ]] || fail "$name: $items expandable scenarios in the page, $scenarios in the file"
  browse --screenshot="$work/$name.png" --window-size=1280,1600 "file://$report" >/dev/null 2>&1 ||
    fail "$name: chromium could not take a screenshot"
  local colours
  colours=$(/usr/bin/python3 "$here/png_colours.py" "$work/$name.png")
  [[ $colours -gt $min_colours ]] || fail "$name: the screenshot has $colours colours: blank"
  echo "$name: $items scenarios, script ran, no console messages, screenshot with $colours colours"
}

make_report "$work/embedded.html"
check_report embedded "$work/embedded.html"
grep -q 'data-outcome="passed"' "$work/embedded.html" || fail "embedded: no passed scenario"

make_report "$work/failing.html" --spawn "'$misbehaving' noop-rset-200 --stdio"
check_report failing "$work/failing.html"
grep -q 'data-outcome="failed"\|data-outcome="warned"' "$work/failing.html" ||
  fail "failing: noop-rset-200 produced neither a failed nor a warned scenario"

if [[ -n "${SMTPSPEC_HTML_SCREENSHOT:-}" ]]; then cp "$work/embedded.png" "$SMTPSPEC_HTML_SCREENSHOT"; fi
echo "html_browser_check: passed"
