#include "core/profile.hpp"

#include <algorithm>
#include <cctype>

namespace smtpspec {

std::string_view to_string(Profile profile) {
    switch (profile) {
        case Profile::rfc821: return "rfc821";
        case Profile::rfc2821: return "rfc2821";
        case Profile::rfc5321: return "rfc5321";
    }
    return "unknown";
}

// Case-insensitive, so that "RFC5321" on a command line means what the user meant.
std::optional<Profile> parse_profile(std::string_view text) {
    const auto same_name = [text](Profile profile) {
        const std::string_view name = to_string(profile);
        return std::equal(name.begin(), name.end(), text.begin(), text.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    };
    const auto found = std::find_if(all_profiles.begin(), all_profiles.end(), same_name);
    if (found == all_profiles.end()) return std::nullopt;
    return *found;
}

}  // namespace smtpspec
