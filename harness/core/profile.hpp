#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace smtpspec {

// Which generation of the standard a run judges against.
enum class Profile { rfc821, rfc2821, rfc5321 };

inline constexpr std::array<Profile, 3> all_profiles{Profile::rfc821, Profile::rfc2821, Profile::rfc5321};

std::string_view to_string(Profile);
std::optional<Profile> parse_profile(std::string_view);

}  // namespace smtpspec
