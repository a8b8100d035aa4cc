#include "reports/html_assets.hpp"

#include <array>

#include <openssl/sha.h>

#include "core/base64.hpp"

namespace smtpspec::reports {

namespace {

// No "//" anywhere in the assets (no line comments, no URLs): the report tests forbid it, so
// that a reference to anything outside the file stands out.
constexpr std::string_view stylesheet = R"css(
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --panel: #f6f8fa;
  --hot: #fff8c5; --marker: #8c959f; --octet: #cf222e;
  --passed: #1a7f37; --warned: #9a6700; --failed: #cf222e; --error: #a626a4;
  --unimplemented: #6e7781; --skipped: #6e7781; --waived: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22;
    --hot: #3a2f00; --marker: #6e7681; --octet: #ff7b72;
    --passed: #3fb950; --warned: #d29922; --failed: #f85149; --error: #d2a8ff;
    --unimplemented: #8b949e; --skipped: #8b949e; --waived: #58a6ff;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 84rem; padding: 1rem 1.5rem 3rem;
  background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
code, .wire, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.86em; }
h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
h2 { font-size: 1rem; margin: 1rem 0 0.4rem; }
.muted { color: var(--muted); }
.run { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; margin: 0.25rem 0 0.75rem; }
.run dt { color: var(--muted); }
.run dd { margin: 0; }
.run div { display: flex; gap: 0.4rem; }
.alert { border: 1px solid var(--failed); color: var(--failed); border-radius: 6px; padding: 0.4rem 0.75rem; }
.bar { display: flex; height: 0.9rem; border-radius: 4px; overflow: hidden; background: var(--line); margin: 0.5rem 0; }
.bar span { min-width: 3px; }
.counts { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; margin: 0.4rem 0; padding: 0; list-style: none; }
.verdicts { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; margin: 0.2rem 0 0; padding: 0; list-style: none; font-size: 0.9em; }
.verdicts .zero { color: var(--muted); opacity: 0.7; }
.badge {
  display: inline-block; min-width: 4.2em; text-align: center; border: 1px solid currentColor; border-radius: 4px;
  padding: 0 0.35em; font: 600 0.75rem/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
.o-passed, .v-pass { color: var(--passed); }
.o-warned, .v-non_strict, .v-nonstandard, .v-deprecated { color: var(--warned); }
.o-failed, .v-unexpected, .v-violation, .v-malformed, .v-timeout, .v-disconnected { color: var(--failed); }
.o-error { color: var(--error); }
.o-waived, .w-applied { color: var(--waived); }
.w-expired { color: var(--failed); }
.w-unneeded { color: var(--warned); }
.waivers { margin: 0; padding: 0; list-style: none; }
.waivers li { margin: 0.1rem 0; }
.note { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.75rem; }
.o-unimplemented, .v-unimplemented { color: var(--unimplemented); }
.o-skipped, .v-skipped { color: var(--skipped); }
.bar .o-passed { background: var(--passed); }
.bar .o-warned { background: var(--warned); }
.bar .o-failed { background: var(--failed); }
.bar .o-error { background: var(--error); }
.bar .o-waived { background: var(--waived); }
.bar .o-unimplemented, .bar .o-skipped { background: var(--skipped); }
#filters {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem;
  padding: 0.6rem 0; margin: 0.75rem 0 0.5rem; background: var(--bg); border-bottom: 1px solid var(--line);
}
#filters[hidden] { display: none; }
#filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 0.6rem; }
#filters legend { float: left; margin-right: 0.4rem; color: var(--muted); }
#filters label { white-space: nowrap; }
input, select, button { font: inherit; color: inherit; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.15rem 0.4rem; }
input[type=checkbox] { padding: 0; }
button { cursor: pointer; }
#shown { margin: 0.25rem 0; color: var(--muted); }
details.scenario { border: 1px solid var(--line); border-radius: 6px; margin: 0.35rem 0; background: var(--bg); }
details.scenario[hidden] { display: none; }
details.scenario > summary {
  display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.2rem 0.75rem; padding: 0.4rem 0.75rem;
  cursor: pointer; list-style-position: outside;
}
details.scenario[open] > summary { border-bottom: 1px solid var(--line); background: var(--panel); }
summary .id { font-weight: 600; }
summary .title { flex: 1 1 20rem; }
summary .meta { color: var(--muted); font-size: 0.9em; }
.body { padding: 0.5rem 0.75rem 0.75rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.tags { display: inline; margin: 0; padding: 0; list-style: none; }
.tags li { display: inline-block; margin-right: 0.3rem; padding: 0 0.4rem; border-radius: 999px; background: var(--panel); border: 1px solid var(--line); font-size: 0.85em; }
.scroll { overflow-x: auto; }
table.steps { border-collapse: collapse; width: 100%; font-size: 0.9em; }
table.steps th, table.steps td { text-align: left; vertical-align: top; padding: 0.25rem 0.5rem; border-top: 1px solid var(--line); }
table.steps th { color: var(--muted); font-weight: 600; border-top: 0; }
table.steps tr.offending td { background: var(--hot); }
.detail { margin-top: 0.15rem; }
.findings { margin: 0.2rem 0 0; padding-left: 1.1rem; }
.wire { white-space: pre-wrap; overflow-wrap: anywhere; }
table.steps td:nth-child(2) { min-width: 14rem; }
.eol, .oct { white-space: nowrap; }
.eol { color: var(--marker); font-size: 0.8em; }
.oct { color: var(--octet); font-weight: 600; }
.transcript { margin: 0; padding: 0.35rem 0; background: var(--panel); border-radius: 6px; }
.transcript div { display: grid; grid-template-columns: 4.5rem 1.5rem 1fr; gap: 0.5rem; padding: 0 0.6rem; }
.transcript div.hot { background: var(--hot); }
.transcript .t { color: var(--muted); text-align: right; }
.transcript .d { font-weight: 700; }
.transcript .client .d { color: var(--passed); }
.transcript .server .d { color: var(--error); }
.transcript .stderr .d { color: var(--warned); }
.transcript .event { color: var(--muted); font-style: italic; }
.more { color: var(--muted); font-style: italic; }
footer { margin-top: 2rem; color: var(--muted); font-size: 0.85em; }
)css";

// Plain ES5-level JavaScript; it only shows, hides and reorders server-rendered elements.
constexpr std::string_view script = R"js(
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("scenarios");
  var shown = document.getElementById("shown");
  var nothing = document.getElementById("nothing");
  var items = Array.prototype.map.call(list.querySelectorAll("details.scenario"), function (el) {
    var texts = function (selector) {
      return Array.prototype.map.call(el.querySelectorAll(selector), function (e) { return e.textContent; });
    };
    return {
      el: el,
      id: el.getAttribute("data-id").toLowerCase(),
      outcome: el.getAttribute("data-outcome"),
      run: Number(el.getAttribute("data-run")),
      rank: Number(el.getAttribute("data-rank")),
      tags: texts(".tags li"),
      verdicts: Array.prototype.map.call(el.querySelectorAll("tr[data-verdict]"), function (tr) {
        return tr.getAttribute("data-verdict");
      })
    };
  });

  function wanted() {
    var outcomes = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=outcome]"), function (box) {
      outcomes[box.value] = box.checked;
    });
    return {
      outcomes: outcomes,
      verdict: form.elements.verdict.value,
      tag: form.elements.tag.value,
      search: form.elements.search.value.trim().toLowerCase()
    };
  }

  function matches(item, w) {
    return w.outcomes[item.outcome] &&
      (w.verdict === "" || item.verdicts.indexOf(w.verdict) >= 0) &&
      (w.tag === "" || item.tags.indexOf(w.tag) >= 0) &&
      (w.search === "" || item.id.indexOf(w.search) >= 0);
  }

  function order() {
    var key = form.elements.sort.value === "run" ? "run" : "rank";
    items.slice().sort(function (a, b) { return a[key] - b[key]; }).forEach(function (item) {
      list.appendChild(item.el);
    });
  }

  function apply() {
    var w = wanted();
    var count = 0;
    items.forEach(function (item) {
      var visible = matches(item, w);
      item.el.hidden = !visible;
      if (visible) count += 1;
    });
    shown.textContent = "Showing " + count + " of " + items.length + " scenarios";
    nothing.hidden = count !== 0;
  }

  function expand(open) {
    items.forEach(function (item) { if (!item.el.hidden) item.el.open = open; });
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", function () {
    order();
    apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("expand").addEventListener("click", function () { expand(true); });
  document.getElementById("collapse").addEventListener("click", function () { expand(false); });
  form.hidden = false;
  apply();
  document.body.setAttribute("data-ready", "true");
})();
)js";

// The CSP hash source of a script: base64 of the SHA-256 of its exact text (CSP Level 2 §4.2).
std::string sha256_source(std::string_view text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return "'sha256-" + base64_encode({reinterpret_cast<const char*>(digest.data()), digest.size()}) + "'";
}

}  // namespace

std::string_view html_stylesheet() { return stylesheet; }

std::string_view html_script() { return script; }

std::string html_content_security_policy() {
    return "default-src 'none'; style-src 'unsafe-inline'; script-src " + sha256_source(script) +
           "; base-uri 'none'; form-action 'none'";
}

}  // namespace smtpspec::reports
