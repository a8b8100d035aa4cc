#include <gtest/gtest.h>

#include <string>

#include "load/load_plan.hpp"
#include "runner/session.hpp"
#include "scenario/variables.hpp"

namespace smtpspec {
namespace {

std::vector<std::string> commands_of(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& step : s.steps)
        for (const auto& reply : step.replies) out.push_back(reply.command.empty() ? "<close>" : reply.command);
    return out;
}

TEST(LoadPlan, OneMessageIsTheTransactionOfSmtpSource) {
    const Scenario s = load_session_scenario(LoadShape{}, Registry::builtin());
    EXPECT_EQ(s.id, "load/3.3/1");
    EXPECT_EQ(commands_of(s), (std::vector<std::string>{"<greeting>", "EHLO", "MAIL", "RCPT", "DATA", "<data-end>",
                                                       "QUIT", "<close>"}));
    // Narrowed to success: a refusal under load is a finding, not a pass.
    EXPECT_EQ(s.steps[2].replies[0].pass.size(), 1u);
    EXPECT_EQ(s.steps[2].replies[0].pass[0].text(), "250");
    EXPECT_EQ(s.steps[5].replies[0].pass[0].text(), "250");
}

TEST(LoadPlan, MessagesAndRecipientsRepeatTheirCommands) {
    LoadShape shape;
    shape.messages = 3;
    shape.recipients = 4;
    const Scenario s = load_session_scenario(shape, Registry::builtin());
    EXPECT_EQ(s.steps.size(), 4 + 3 * (3 + 4));
    const auto commands = commands_of(s);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "MAIL"), 3);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "RCPT"), 12);
    EXPECT_EQ(std::count(commands.begin(), commands.end(), "<data-end>"), 3);
}

// The body is `size` octets of whole lines after the headers' blank line, as smtp-source's -l.
TEST(LoadPlan, TheBodyHasTheRequestedSize) {
    const Variables variables = Variables::defaults();
    for (const std::size_t size : {0u, 2u, 79u, 80u, 81u, 1024u, 100'000u}) {
        LoadShape shape;
        shape.body_size = size;
        const Scenario s = load_session_scenario(shape, Registry::builtin());
        const std::string content = expand(s.steps[5].payload, variables);
        const auto body = content.substr(content.find("\r\n\r\n") + 4);
        EXPECT_EQ(body.size(), size % 80 == 1 ? size - 1 : size) << size;
        EXPECT_TRUE(body.empty() || body.ends_with("\r\n")) << size;
        EXPECT_EQ(body.find('.'), std::string::npos);
        const std::string wire = wire_bytes(s.steps[5], variables);
        EXPECT_TRUE(wire.ends_with("\r\n.\r\n"));
    }
}

TEST(LoadPlan, ShapesOutsideTheLimitsNameTheirOption) {
    const auto problem = [](auto change) {
        LoadShape shape;
        change(shape);
        return check_load_shape(shape).value_or("");
    };
    EXPECT_EQ(problem([](LoadShape&) {}), "");
    EXPECT_NE(problem([](LoadShape& s) { s.sessions = 0; }).find("--sessions 0"), std::string::npos);
    EXPECT_NE(problem([](LoadShape& s) { s.concurrency = 0; }).find("--concurrency 0"), std::string::npos);
    EXPECT_NE(problem([](LoadShape& s) { s.concurrency = max_load_concurrency + 1; }).find("--concurrency"),
              std::string::npos);
    EXPECT_NE(problem([](LoadShape& s) { s.messages = 0; }).find("--messages 0"), std::string::npos);
    EXPECT_NE(problem([](LoadShape& s) { s.recipients = 0; }).find("--recipients 0"), std::string::npos);
    EXPECT_NE(problem([](LoadShape& s) { s.body_size = max_load_body_size + 1; }).find("--size"), std::string::npos);
    // One session is one scenario: the loader's step limit holds.
    EXPECT_NE(problem([](LoadShape& s) {
                  s.messages = 1000;
                  s.recipients = 100;
              }).find("exceed"),
              std::string::npos);
}

TEST(LoadPlan, TheLargestAllowedShapesLoad) {
    LoadShape shape;
    shape.messages = 1000;
    shape.recipients = 6;   // 4 + 1000 × 9 steps: just within a scenario's limit
    ASSERT_FALSE(check_load_shape(shape)) << *check_load_shape(shape);
    EXPECT_EQ(load_session_scenario(shape, Registry::builtin()).steps.size(), 9004u);
    shape = LoadShape{};
    shape.body_size = max_load_body_size;
    EXPECT_EQ(load_session_scenario(shape, Registry::builtin()).steps.size(), 8u);
}

}  // namespace
}  // namespace smtpspec
