#include "core/capabilities.hpp"

#include <algorithm>

namespace smtpspec {

std::string to_upper(std::string_view text) {
    // ASCII only, as SMTP keywords are, and what std::toupper does in the "C" locale smtpspec
    // runs in, without a call per octet.
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

namespace {
// The next space-separated word of `text` from `pos` on (empty at the end), and where it ends.
std::string_view next_word(std::string_view text, std::size_t& pos) {
    const auto start = text.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) {
        pos = text.size();
        return {};
    }
    const auto end = std::min(text.find(' ', start), text.size());
    pos = end;
    return text.substr(start, end - start);
}
}  // namespace

Capabilities Capabilities::from_ehlo(const Reply& reply) {
    Capabilities caps;
    if (reply.code != 250 || reply.lines.empty()) return caps;
    std::size_t pos = 0;
    caps.domain = std::string(next_word(reply.lines.front(), pos));
    // The first line names the server; every later line is one keyword and its parameters.
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        const std::string_view line = reply.lines[i];
        pos = 0;
        const auto keyword = next_word(line, pos);
        if (keyword.empty()) continue;
        std::vector<std::string> params;
        for (auto word = next_word(line, pos); !word.empty(); word = next_word(line, pos)) params.emplace_back(word);
        caps.keywords.insert_or_assign(to_upper(keyword), std::move(params));
    }
    return caps;
}

bool Capabilities::has(std::string_view keyword) const { return keywords.contains(to_upper(keyword)); }

bool Capabilities::offers(std::string_view requirement) const {
    const auto space = requirement.find(' ');
    const auto it = keywords.find(to_upper(requirement.substr(0, space)));
    if (it == keywords.end()) return false;
    if (space == std::string_view::npos) return true;
    const auto wanted = to_upper(requirement.substr(space + 1));
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& param) { return to_upper(param) == wanted; });
}

std::set<std::string> Capabilities::keyword_set() const {
    std::set<std::string> out;
    for (const auto& [keyword, params] : keywords) out.insert(keyword);
    return out;
}

}  // namespace smtpspec
