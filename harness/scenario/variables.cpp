#include "scenario/variables.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "core/base64.hpp"

namespace smtpspec {

namespace {

constexpr std::size_t max_repeat = 1'000'000;

// The parsed form of a template, shared by check_template and expand so both read the
// syntax the same way.
struct Node {
    enum class Kind { literal, variable, repeat };
    Kind kind = Kind::literal;
    std::string text;             // literal text, or the variable's name
    std::size_t offset = 0;       // where it starts in the template
    std::size_t count = 0;        // repeat count
    std::vector<Node> children;   // repeated content
};

struct SyntaxError {
    TemplateError error;
};

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class TemplateParser {
public:
    explicit TemplateParser(std::string_view text) : text_(text) {}

    std::vector<Node> parse() { return sequence(false, 1); }

private:
    [[noreturn]] void fail(std::size_t offset, std::string message) const {
        throw SyntaxError{TemplateError{offset, std::move(message)}};
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
    }

    static void append_literal(std::vector<Node>& nodes, char c, std::size_t offset) {
        if (nodes.empty() || nodes.back().kind != Node::Kind::literal) {
            nodes.push_back(Node{Node::Kind::literal, {}, offset, 0, {}});
        }
        nodes.back().text += c;
    }

    // Reads until the end of the text, or inside a repeat until its closing '}' (left for
    // the caller). `factor` is how many times this content will be repeated in all.
    std::vector<Node> sequence(bool inside_repeat, std::size_t factor) {
        std::vector<Node> nodes;
        while (!at_end()) {
            const char c = peek();
            if ((c == '{' || c == '}') && peek(1) == c) {
                append_literal(nodes, c, pos_);
                pos_ += 2;
            } else if (c == '{') {
                nodes.push_back(placeholder(factor));
            } else if (c == '}') {
                if (inside_repeat) return nodes;
                fail(pos_, "unbalanced '}' (write '}}' for a literal brace)");
            } else {
                append_literal(nodes, c, pos_);
                ++pos_;
            }
        }
        return nodes;
    }

    Node placeholder(std::size_t factor) {
        const std::size_t start = pos_++;
        const std::size_t name_start = pos_;
        while (!at_end() && is_name_char(peek())) ++pos_;
        std::string name(text_.substr(name_start, pos_ - name_start));
        if (at_end()) fail(start, "unbalanced '{' (write '{{' for a literal brace)");
        if (peek() == ':') {
            if (name == "repeat") return repeat(start, factor);
            if (!name.empty()) fail(start, fmt::format("unknown function '{}' (only 'repeat' takes arguments)", name));
        }
        if (peek() != '}' || name.empty()) {
            fail(start, "'{' does not start a variable name (write '{{' for a literal brace)");
        }
        ++pos_;
        return Node{Node::Kind::variable, std::move(name), start, 0, {}};
    }

    Node repeat(std::size_t start, std::size_t factor) {
        ++pos_;   // ':'
        const std::size_t digits_start = pos_;
        std::size_t count = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            count = count * 10 + static_cast<std::size_t>(peek() - '0');
            if (count > max_repeat) fail(digits_start, fmt::format("repeat count exceeds {}", max_repeat));
            ++pos_;
        }
        if (pos_ == digits_start) fail(pos_, "expected a repeat count: {repeat:N:TEXT}");
        if (peek() != ':') fail(pos_, "expected ':' after the repeat count: {repeat:N:TEXT}");
        ++pos_;
        // Nested repeats multiply; bounding the product bounds the expanded size.
        const std::size_t total = factor * std::max<std::size_t>(count, 1);
        if (total > max_repeat) {
            fail(start, fmt::format("nested repeats multiply to more than {}", max_repeat));
        }
        std::vector<Node> children = sequence(true, total);
        if (at_end()) fail(start, "unterminated '{repeat:' (missing '}')");
        ++pos_;   // '}'
        return Node{Node::Kind::repeat, {}, start, count, std::move(children)};
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

std::optional<TemplateError> first_unknown_name(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) {
        if (node.kind == Node::Kind::variable && !known_variable_names().contains(node.text)) {
            return TemplateError{node.offset, fmt::format("undefined variable '{}'", node.text)};
        }
        if (node.kind == Node::Kind::repeat) {
            if (auto error = first_unknown_name(node.children)) return error;
        }
    }
    return std::nullopt;
}

void render(const std::vector<Node>& nodes, const Variables& vars, std::string& out) {
    for (const Node& node : nodes) {
        switch (node.kind) {
            case Node::Kind::literal: out += node.text; break;
            case Node::Kind::variable: {
                const auto it = vars.values.find(node.text);
                if (it == vars.values.end()) {
                    throw std::out_of_range(fmt::format("no value for variable '{}'", node.text));
                }
                out += it->second;
                break;
            }
            case Node::Kind::repeat: {
                std::string once;
                render(node.children, vars, once);
                out.reserve(out.size() + once.size() * node.count);
                for (std::size_t i = 0; i < node.count; ++i) out += once;
                break;
            }
        }
    }
}

void recompute_derived(Variables& vars) {
    const std::string& user = vars.values["user"];
    const std::string& password = vars.values["password"];
    vars.values["auth_plain"] = base64_encode(std::string(1, '\0') + user + '\0' + password);
    vars.values["auth_login_user"] = base64_encode(user);
    vars.values["auth_login_password"] = base64_encode(password);
}

}  // namespace

Variables Variables::defaults() {
    Variables vars;
    vars.values = {
        {"helo", "smtpspec.example"},
        {"from", "smtpspec@example.com"},
        // The one mailbox every server that relays or delivers must accept (RFC 5321 §4.5.1).
        {"rcpt", "postmaster@example.com"},
        {"user", "smtpspec"},
        {"password", "smtpspec-secret"},
    };
    recompute_derived(vars);
    vars.secrets = {"password", "auth_plain", "auth_login_user", "auth_login_password"};
    return vars;
}

void Variables::set(const std::string& name, std::string value) {
    values[name] = std::move(value);
    if (name == "user" || name == "password") recompute_derived(*this);
}

const std::set<std::string>& known_variable_names() {
    static const std::set<std::string> names = [] {
        std::set<std::string> result;
        for (const auto& [name, value] : Variables::defaults().values) result.insert(name);
        return result;
    }();
    return names;
}

std::optional<TemplateError> check_template(std::string_view text) {
    try {
        return first_unknown_name(TemplateParser(text).parse());
    } catch (const SyntaxError& e) {
        return e.error;
    }
}

std::string expand(std::string_view text, const Variables& vars) {
    std::vector<Node> nodes;
    try {
        nodes = TemplateParser(text).parse();
    } catch (const SyntaxError& e) {
        throw std::invalid_argument(fmt::format("bad template at offset {}: {}", e.error.offset, e.error.message));
    }
    std::string out;
    render(nodes, vars, out);
    return out;
}

std::vector<std::string> secret_values(const Variables& vars) {
    std::vector<std::string> secrets;
    for (const std::string& name : vars.secrets) {
        const auto it = vars.values.find(name);
        if (it != vars.values.end() && !it->second.empty()) secrets.push_back(it->second);
    }
    std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return secrets;
}

std::string redact(std::string_view text, const Variables& vars) { return redact(std::string(text), secret_values(vars)); }

std::string redact(std::string out, const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets) {
        for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) {
            out.replace(at, secret.size(), "***");
        }
    }
    return out;
}

}  // namespace smtpspec
