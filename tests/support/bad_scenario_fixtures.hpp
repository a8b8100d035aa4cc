#pragma once
// The bad scenario files under tests/data/scenarios/bad/, each with the one problem it has: where
// (the JSON pointer, "" for the whole file) and what (a substring of the message). The loader's
// tests and the CLI's read the same table, so a fixture is checked both ways or not at all.
// several-errors.json, with many problems, is checked on its own.
namespace smtpspec::testing {

struct BadFixture {
    const char* file;
    const char* pointer;
    const char* message;
};

inline constexpr BadFixture bad_scenario_fixtures[] = {
    {"invalid-json.json", "", "invalid JSON at line 5, column"},
    {"not-an-object.json", "", "expected an object, found an array"},
    {"wrong-type.json", "/scenarios/0/title", "expected a string, found an integer"},
    {"steps-not-an-array.json", "/scenarios/0/steps", "expected an array, found a string"},
    {"null-expectation.json", "/scenarios/0/steps/1/expect", "expected an object or one of \"greeting\", \"close\", \"none\", found null"},
    {"unknown-field.json", "/scenarios/0/steps/1", "unknown field 'expct' (did you mean 'expect'?)"},
    {"missing-field.json", "/scenarios/0", "missing required field 'requirement'"},
    {"unknown-command.json", "/scenarios/0/steps/1/command", "unknown command 'NOPE' (did you mean 'NOOP'?)"},
    {"unknown-reply-command.json", "/scenarios/0/steps/1/replies/0/command", "unknown command 'EHLOO' (did you mean 'EHLO'?)"},
    {"bad-code-pattern.json", "/scenarios/0/steps/1/expect/pass/0", "bad code pattern '2x5'"},
    {"undefined-variable.json", "/scenarios/0/steps/1/send", "undefined variable 'rcpt2' (at offset 9)"},
    {"bad-id.json", "/scenarios/0/id", "'rfc5321-4.1.1.3-2': an id is \"<doc>/<section>/<n>\""},
    {"bad-level.json", "/scenarios/0/rfc/0/level", "'MUST NOT': level is MUST, SHOULD or MAY"},
    {"bad-rfc-section.json", "/scenarios/0/rfc/0/section", "(no '§')"},
    {"bad-profile.json", "/scenarios/0/profiles/1", "'rfc1869': a profile is rfc821, rfc2821 or rfc5321"},
    {"bad-requires.json", "/scenarios/0/requires/0", "'pipelining': an EHLO keyword in upper case"},
    {"duplicate-id.json", "/scenarios/1/id", "duplicate id 'bad/1/1' (first used at /scenarios/0/id)"},
    {"duplicate-key.json", "/scenarios/0/steps/1", "duplicate field 'send'"},
    {"empty-steps.json", "/scenarios/0/steps", "no steps"},
    {"empty-scenarios.json", "/scenarios", "no scenarios"},
    {"empty-title.json", "/scenarios/0/title", "must not be empty"},
    {"send-with-crlf.json", "/scenarios/0/steps/1/send", "must not contain CR or LF"},
    {"two-actions.json", "/scenarios/0/steps/1", "a step has one action, found 'send' and 'raw'"},
    {"silent-step.json", "/scenarios/0/steps/0", "must have \"expect\": \"greeting\" or \"close\""},
    {"greeting-after-send.json", "/scenarios/0/steps/1/expect", "\"greeting\" is for a step that sends nothing"},
    {"replies-without-raw.json", "/scenarios/0/steps/1/replies", "'replies' is for a 'raw' write"},
    {"pass-and-non-strict.json", "/scenarios/0/steps/1/expect/non_strict", "'250' is in both 'pass' and 'non_strict'"},
    {"bad-timeout.json", "/scenarios/0/steps/1/timeout_ms", "0 is out of range 1..600000"},
};

}  // namespace smtpspec::testing
