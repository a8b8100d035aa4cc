#include "core/capabilities.hpp"

#include <algorithm>
#include <cctype>

namespace smtpspec {

std::string to_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

namespace {
std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto start = text.find_first_not_of(' ', pos);
        if (start == std::string_view::npos) break;
        const auto end = std::min(text.find(' ', start), text.size());
        words.emplace_back(text.substr(start, end - start));
        pos = end;
    }
    return words;
}
}  // namespace

Capabilities Capabilities::from_ehlo(const Reply& reply) {
    Capabilities caps;
    if (reply.code != 250 || reply.lines.empty()) return caps;
    const auto greeting = split_words(reply.lines.front());
    if (!greeting.empty()) caps.domain = greeting.front();
    // The first line names the server; every later line is one keyword and its parameters.
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        auto words = split_words(reply.lines[i]);
        if (words.empty()) continue;
        auto keyword = to_upper(words.front());
        words.erase(words.begin());
        caps.keywords[std::move(keyword)] = std::move(words);
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
