#pragma once
// What a server advertised in its EHLO reply (RFC 5321 §4.1.1.1).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/reply.hpp"

namespace smtpspec {

struct Capabilities {
    std::string domain;   // first word of the first line
    std::map<std::string, std::vector<std::string>> keywords;   // upper-case keyword → parameters

    // Reads a 250 reply to EHLO; any other reply advertises nothing.
    static Capabilities from_ehlo(const Reply& reply);

    bool has(std::string_view keyword) const;   // case-insensitive
    // "KEYWORD" or "KEYWORD PARAM" (e.g. "AUTH PLAIN"): the keyword is advertised, with that
    // parameter among its own; case-insensitive (RFC 5321 §4.1.1.1, RFC 4954 §3 mechanisms).
    bool offers(std::string_view requirement) const;
    std::set<std::string> keyword_set() const;
};

std::string to_upper(std::string_view text);

}  // namespace smtpspec
