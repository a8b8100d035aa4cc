#pragma once
// Secrets in a session's transcript, split across entries or not. A server that echoes a
// credential may have it arrive in two reads (a reply split across TCP segments, stderr written
// in pieces), and then neither entry holds the whole secret for a redaction per entry to find.
#include <vector>

#include "core/result.hpp"
#include "scenario/variables.hpp"

namespace smtpspec {

// Reads each direction's entries (client, server, server's stderr) as the one stream of octets
// they are, and removes every secret found in it: "***" stands where the secret began, and the
// rest of it is cut from the entries that held it. Times, directions and entry count are kept.
void redact_across_entries(std::vector<TranscriptEntry>& transcript, const Variables& vars);
// The same with secret_values(vars) computed by the caller.
void redact_across_entries(std::vector<TranscriptEntry>& transcript, const std::vector<std::string>& secrets);

}  // namespace smtpspec
