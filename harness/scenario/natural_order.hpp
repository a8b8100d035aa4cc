#pragma once
// The order of scenario ids and files: numbers compared as numbers, so that "4.1.1.2" comes
// before "4.1.1.10", and "/" before any other character, so that "4.1.1/4" comes before
// "4.1.1.4/2" (as in a table of contents).
#include <string_view>

namespace smtpspec {

bool natural_less(std::string_view a, std::string_view b);

}  // namespace smtpspec
