#pragma once
// Values a server needs (HELO domain, sender, recipient, credentials), substituted into
// step payloads as {name}. "{{" and "}}" stand for literal braces; {repeat:N:TEXT} repeats
// TEXT N times (overlong lines, many recipients).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec {

struct Variables {
    std::map<std::string, std::string> values;
    std::set<std::string> secrets;   // names whose values are redacted in reports

    static Variables defaults();     // helo, from, rcpt, user, password and derived ones
    // Derived values (auth_plain, auth_login_user, auth_login_password) recomputed after
    // user/password change.
    void set(const std::string& name, std::string value);
};

// Names every scenario may use: those of Variables::defaults().
const std::set<std::string>& known_variable_names();

struct TemplateError {
    std::size_t offset;      // into the template
    std::string message;     // "undefined variable 'rcpt2'", "unbalanced '{'"
};

// Checks a template without values: syntax and that every name is known.
std::optional<TemplateError> check_template(std::string_view text);
// Substitutes values. Precondition: check_template(text) passed.
std::string expand(std::string_view text, const Variables& vars);
// The values of the secret variables that are set, longest first (so that a secret holding
// another is replaced whole).
std::vector<std::string> secret_values(const Variables& vars);
// Replaces every secret value occurring in `text` with "***" (for transcripts and reports).
std::string redact(std::string_view text, const Variables& vars);
// The same with secret_values(vars) computed once by the caller (a session redacts every entry).
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace smtpspec
