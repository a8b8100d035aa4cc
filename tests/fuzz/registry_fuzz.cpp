// libFuzzer target for the registry loader. Registry::parse promises one kind of failure, a
// RegistryError whose every line names the origin and a JSON pointer; any other exception
// escaping it is a crash here. A registry it accepts must also answer its own questions
// consistently: legal_codes and legal_source are two views of one table.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry.hpp"
#include "require.hpp"

namespace smtpspec {
namespace {

constexpr std::string_view origin = "fuzzed-registry.json";

// Problems are "<origin>: <pointer or (document root)>: <message>", one per line. Only the first
// is checked whole: a key of the document may hold a line break, and the messages quote keys.
void check_error(const RegistryError& error) {
    const std::string_view message = error.what();
    FUZZ_REQUIRE(message.starts_with(origin) && message.substr(origin.size()).starts_with(": "));
    const std::string_view located = message.substr(origin.size() + 2);
    FUZZ_REQUIRE(located.starts_with('/') || located.starts_with("(document root): "));
    const std::size_t text = located.find(": ");
    FUZZ_REQUIRE(text != std::string_view::npos && text + 2 < located.size());
}

// The sessions' states that change the legal set: nothing seen, every advertised keyword and
// greeting the conditional codes name.
std::vector<LegalityContext> contexts_of(const Registry& registry) {
    LegalityContext everything;
    std::vector<LegalityContext> contexts{LegalityContext{}};
    for (const ConditionalCode& conditional : registry.conditional_codes()) {
        if (!conditional.when_advertised.empty()) everything.advertised.insert(conditional.when_advertised);
        if (conditional.after_greeting) {
            LegalityContext greeted = everything;
            greeted.greeting_code = conditional.after_greeting;
            contexts.push_back(greeted);
        }
    }
    contexts.push_back(everything);
    return contexts;
}

void check_consistent(const Registry& registry, std::string_view command, const std::set<int>& all_codes,
                      const std::vector<LegalityContext>& contexts) {
    const CommandInfo* judging = registry.judging(command);
    for (Profile profile : all_profiles) {
        if (judging != nullptr) FUZZ_REQUIRE(judging->rule(profile) != nullptr);  // parse() gives every profile a rule
        for (const LegalityContext& context : contexts) {
            const std::set<int> legal = registry.legal_codes(command, profile, context);
            for (int code : all_codes) {
                const auto source = registry.legal_source(command, profile, code, context);
                FUZZ_REQUIRE(source.has_value() == legal.contains(code));
            }
            for (int code : legal) FUZZ_REQUIRE(registry.code(code) != nullptr);  // every legal code is described
        }
    }
}

void check_accepted(const Registry& registry) {
    const std::vector<LegalityContext> contexts = contexts_of(registry);
    std::set<int> all_codes;
    for (const auto& [code, info] : registry.codes()) {
        FUZZ_REQUIRE(info.code == code);
        all_codes.insert(code);
    }
    for (const auto& [name, info] : registry.commands()) {
        FUZZ_REQUIRE(info.name == name);
        FUZZ_REQUIRE(registry.command(name) == &info);
        check_consistent(registry, name, all_codes, contexts);
        // A client line naming a command is judged by it, unless it spells a pseudo-command.
        const std::string judged_by = command_of_line(registry, name + " x\r\n");
        FUZZ_REQUIRE(judged_by == (name.starts_with('<') ? std::string(unknown_command) : name));
    }
    check_consistent(registry, "NOT-A-COMMAND", all_codes, contexts);
}

}  // namespace
}  // namespace smtpspec

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smtpspec;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::optional<Registry> registry;
    try {
        registry = Registry::parse(text, origin);
    } catch (const RegistryError& error) {
        check_error(error);
        return 0;
    }
    check_accepted(*registry);
    return 0;
}
