#pragma once
// The fixed parts of the HTML report: its stylesheet and its script. Kept apart from the
// markup so that the renderer reads as structure and the assets can be reviewed as CSS and JS.
#include <string>
#include <string_view>

namespace smtpspec::reports {

// System fonts only, outcome colours matching the console's (green, yellow, red, magenta,
// grey), light and dark through prefers-color-scheme.
std::string_view html_stylesheet();

// Filtering (outcome, verdict, tag), search by id, sorting and expand/collapse, all on markup
// the server rendered: the script reads no data of its own, so server text never reaches it as
// code. Marks <body data-ready="true"> once it has initialised, for the browser check.
std::string_view html_script();

// The Content-Security-Policy of the report: nothing may be loaded from anywhere, and the only
// script that may run is html_script(), pinned by its SHA-256 — a second line of defence should
// server text ever slip past the escaping.
std::string html_content_security_policy();

}  // namespace smtpspec::reports
