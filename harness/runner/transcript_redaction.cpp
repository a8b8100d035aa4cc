#include "runner/transcript_redaction.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace smtpspec {

namespace {

using Range = std::pair<std::size_t, std::size_t>;   // [begin, end) in a direction's stream

// Where the secrets stand in `stream`, overlapping and touching ranges merged.
std::vector<Range> secret_ranges(const std::string& stream, const std::vector<std::string>& secrets) {
    std::vector<Range> found;
    for (const std::string& secret : secrets) {
        for (auto at = stream.find(secret); at != std::string::npos; at = stream.find(secret, at + 1))
            found.emplace_back(at, at + secret.size());
    }
    std::sort(found.begin(), found.end());
    std::vector<Range> merged;
    for (const Range& range : found) {
        if (!merged.empty() && range.first <= merged.back().second) merged.back().second = std::max(merged.back().second, range.second);
        else merged.push_back(range);
    }
    return merged;
}

void redact_direction(std::vector<TranscriptEntry>& transcript, char direction, const std::vector<std::string>& secrets) {
    std::vector<TranscriptEntry*> entries;
    std::size_t length = 0;
    for (auto& entry : transcript) {
        if (entry.direction != direction) continue;
        entries.push_back(&entry);
        length += entry.data.size();
    }
    std::string stream;
    stream.reserve(length);
    for (const TranscriptEntry* entry : entries) stream += entry->data;
    const std::vector<Range> ranges = secret_ranges(stream, secrets);
    if (ranges.empty()) return;
    std::size_t entry_begin = 0;
    for (TranscriptEntry* entry : entries) {
        const std::size_t entry_end = entry_begin + entry->data.size();
        std::string kept;
        for (std::size_t at = entry_begin; at < entry_end;) {
            const auto covering = std::find_if(ranges.begin(), ranges.end(),
                                               [&](const Range& r) { return r.first <= at && at < r.second; });
            if (covering == ranges.end()) {
                kept += entry->data[at - entry_begin];
                ++at;
                continue;
            }
            if (covering->first == at) kept += "***";
            at = std::min(covering->second, entry_end);
        }
        entry->data = std::move(kept);
        entry_begin = entry_end;
    }
}

}  // namespace

void redact_across_entries(std::vector<TranscriptEntry>& transcript, const Variables& vars) {
    redact_across_entries(transcript, secret_values(vars));
}

void redact_across_entries(std::vector<TranscriptEntry>& transcript, const std::vector<std::string>& secrets) {
    if (secrets.empty()) return;
    for (const char direction : {'C', 'S', 'E'}) redact_direction(transcript, direction, secrets);
}

}  // namespace smtpspec
