#pragma once
// The protocol of the embedded reference server: an RFC 5321 server session with PIPELINING,
// SIZE, 8BITMIME, SMTPUTF8, CHUNKING, BINARYMIME, DSN, ENHANCEDSTATUSCODES, AUTH (PLAIN,
// LOGIN), HELP and STARTTLS. Client octets go in, reply octets come out. It is pure (no I/O,
// no clocks), so every rule is testable byte for byte and any transport (TCP, stdio) can
// drive it: the transport only reads, feeds, writes and keeps the time.
//
// A personality chooses how the engine behaves: the conformant reference server, a conformant
// server without extensions, or a server that breaks one rule on purpose, so that smtpspec's
// verdicts can be shown and tested against a known deviation.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec {

namespace smtp {
struct Reply;
}

enum class Personality {
    reference,       // every extension below, 100 % conformant (the default)
    minimal,         // RFC 5321 alone: conformant, no extension at all
    legacy_200,      // NOOP and RSET answered with 200 (RFC 876's classic bug)
    deprecated,      // SEND, SOML, SAML and TURN implemented (RFC 5321 App. F)
    smuggling,       // <LF>.<LF>, <LF>.<CR><LF>, <CR>.<CR> ... end the data (SMTP smuggling)
    bare_lf,         // a bare LF ends a command line (RFC 5321 §2.3.8 says only CRLF)
    no_enhanced,     // advertises ENHANCEDSTATUSCODES but sends no enhanced codes (RFC 2034 §3)
    starttls_leak,   // keeps plaintext pipelined after STARTTLS (CVE-2011-0411); see below
};

struct PersonalityInfo {
    Personality personality;
    std::string_view name;          // as `smtpspec serve --personality` takes it
    std::string_view description;   // one line
};

// Every personality, the reference first.
std::span<const PersonalityInfo> personalities();
std::optional<Personality> parse_personality(std::string_view name);
std::string_view personality_name(Personality personality);

struct EngineConfig {
    std::string hostname = "smtpspec.localhost";       // first word of greeting-type replies
    std::size_t max_message_size = 10 * 1024 * 1024;   // advertised with SIZE; larger content gets 552
    std::size_t max_recipients = 1000;                 // per transaction; more get 452 (§4.5.3.1.10)
    std::size_t max_line_buffer = 64 * 1024;           // octets kept of one line; the excess is dropped
    bool tls_available = false;                        // the transport can start TLS: STARTTLS is offered
    // RFC 4954 §4: a server MUST be configurable to offer no plaintext mechanism without TLS.
    // false offers AUTH only once TLS is active (and answers AUTH before that with 538).
    bool plaintext_auth = true;
    // The accounts AUTH PLAIN and LOGIN accept, user to password; by default the harness's own
    // {user} and {password} variables.
    std::map<std::string, std::string> users{{"smtpspec", "smtpspec-secret"}};
    Personality personality = Personality::reference;
};

// What an EHLO reply can offer. RFC 1869 §5 registered keywords for RFC 821's optional
// commands too, so HELP and the obsolete SEND/SOML/SAML and TURN are here as well.
enum class Extension {
    pipelining,
    size,
    eightbitmime,
    smtputf8,
    chunking,
    binarymime,
    dsn,
    enhanced_status_codes,
    auth,
    help,
    send_soml_saml,
    turn,
    starttls,
    etrn,
};

class ExtensionSet {
public:
    void add(Extension extension) { bits_ |= bit(extension); }
    bool contains(Extension extension) const { return (bits_ & bit(extension)) != 0; }

private:
    static std::uint32_t bit(Extension extension) { return std::uint32_t{1} << static_cast<unsigned>(extension); }
    std::uint32_t bits_ = 0;
};

// Assembles one line of input. Only CRLF ends a line (RFC 5321 §2.3.8): a bare CR or LF stays
// inside the line and is flagged, because treating it as a line end is what SMTP smuggling and
// command injection exploit. Keeps at most `max_kept` octets but counts them all, so an overlong
// line is answered once, when its CRLF finally arrives.
class LineReader {
public:
    enum class LineEnd {
        crlf,              // RFC 5321 §2.3.8
        crlf_or_bare_lf,   // the bare-lf personality's deviation
    };

    explicit LineReader(std::size_t max_kept, LineEnd line_end = LineEnd::crlf)
        : max_kept_(max_kept), line_end_(line_end) {}

    // Consumes octets up to and including the line end; returns how many it used.
    std::size_t consume(std::string_view input);
    bool complete() const { return complete_; }
    const std::string& text() const { return text_; }   // without the line end, at most max_kept octets
    std::size_t length() const { return length_; }      // every octet of the line, line end included
    bool has_bare_line_break() const { return bare_line_break_; }
    void clear();

private:
    void keep(char octet);

    std::size_t max_kept_;
    LineEnd line_end_;
    std::string text_;
    std::size_t length_ = 0;
    bool pending_cr_ = false;
    bool bare_line_break_ = false;
    bool complete_ = false;
};

// Reads message content after a 354 up to the line that is exactly "." (RFC 5321 §4.1.1.4).
// Removes the stuffed leading dot of other lines (§4.5.2) and counts the content octets. Every
// other end-of-data look-alike (<LF>.<LF>, <CR>.<CR>, <LF>.<CRLF>, <CRLF><NUL>.<CRLF>, ...) is
// content: a server that ends data there lets the rest be run as commands (SMTP smuggling,
// CVE-2023-51764/51765/51766).
class MessageReader {
public:
    enum class EndOfData {
        crlf_dot_crlf,     // RFC 5321 §4.1.1.4
        any_line_break,    // the smuggling personality's deviation: CR, LF or CRLF around the dot
    };

    explicit MessageReader(EndOfData end_of_data = EndOfData::crlf_dot_crlf) : end_of_data_(end_of_data) {}

    // Consumes octets up to and including the end-of-data line; returns how many it used.
    std::size_t consume(std::string_view input);
    bool complete() const { return position_ == Position::ended; }
    // Content octets: CRLFs count, stuffed dots and the end-of-data line do not (RFC 1870 §3).
    std::size_t size() const { return size_; }
    void clear();

private:
    enum class Position { line_start, after_leading_dot, after_dot_cr, in_line, after_cr, ended };
    bool take(char octet);   // false when the octet is left for the commands that follow
    void take_in_line(char octet);
    bool lenient() const { return end_of_data_ == EndOfData::any_line_break; }

    EndOfData end_of_data_;
    Position position_ = Position::line_start;
    std::size_t size_ = 0;
};

class SmtpEngine {
public:
    explicit SmtpEngine(EngineConfig config = {});

    // The opening reply, sent before the client says anything (RFC 5321 §3.1).
    std::string greeting() const;
    // Consumes client octets and appends the replies to `out`, one per complete command, in
    // order (RFC 2920 §3.2); an incomplete line is kept for the next call. Returns false once
    // the session must close (after QUIT's 221); octets after that are ignored.
    bool feed(std::string_view input, std::string& out);
    // How many octets of the last feed()'s input the engine used: all of them, except after
    // QUIT's 221 and after STARTTLS's 220, where the rest is what the client sent too early.
    std::size_t consumed_by_last_feed() const { return consumed_; }
    bool closed() const { return closed_; }
    // The 421 to send before closing an idle connection (RFC 5321 §3.8, §4.5.3.2.7); closes.
    std::string on_idle_timeout();
    // The 421 to send before closing because the server shuts down (RFC 5321 §3.8); closes.
    std::string on_shutdown();
    // What the next EHLO reply offers, given the personality, the configuration and TLS.
    ExtensionSet offered() const;
    // The EHLO keywords with their parameters, in the order the EHLO reply lists them.
    std::vector<std::string> ehlo_keywords() const;
    Personality personality() const { return config_.personality; }
    bool authenticated() const { return authenticated_; }

    // STARTTLS (RFC 3207): after its 220, feed() consumes nothing more. The transport must then
    // drop any client octets it still holds (they were sent in plaintext before the handshake:
    // RFC 3207 §4.2, CVE-2011-0411), start TLS, and call tls_started(), which returns the
    // session to its state right after the greeting; STARTTLS is no longer offered.
    bool tls_requested() const { return tls_requested_; }
    void tls_started();
    bool tls_active() const { return tls_active_; }
    // For the transport owner: true only for the starttls-leak personality, which is the
    // CVE-2011-0411 bug on purpose. Then the transport must NOT drop those octets: it keeps the
    // input after the first consumed_by_last_feed() octets of the feed() that returned with
    // tls_requested(), and after the handshake and tls_started() it feeds them to the engine as
    // if they had arrived inside TLS, so that pipelined plaintext commands get answered.
    bool keep_buffered_after_starttls() const { return config_.personality == Personality::starttls_leak; }

private:
    struct Command;   // one row of the command table
    using Handler = void (SmtpEngine::*)(std::string_view argument, std::string& out);

    static std::span<const Command> commands();
    static const Command* find_command(std::string_view verb);

    enum class Input { commands, message, chunk, auth_response };

    // The open mail transaction (RFC 5321 §3.3).
    struct Transaction {
        bool open = false;
        std::size_t recipients = 0;          // accepted
        bool smtputf8 = false;               // MAIL carried SMTPUTF8 (RFC 6531 §3.4)
        bool binarymime = false;             // MAIL carried BODY=BINARYMIME: no DATA (RFC 3030 §3)
        bool chunked = false;                // a BDAT chunk was accepted: no DATA (RFC 3030 §2)
        std::uint64_t chunk_octets = 0;      // accepted in BDAT chunks so far
    };

    // The BDAT chunk being read (RFC 3030 §2): its octets follow the command's CRLF.
    struct Chunk {
        std::uint64_t size = 0;
        std::uint64_t left = 0;
        bool last = false;
    };

    // An AUTH exchange waiting for the client's next response line (RFC 4954 §4).
    enum class AuthStep { plain_response, login_username, login_password };
    struct AuthExchange {
        AuthStep step = AuthStep::plain_response;
        std::string username;   // LOGIN's first answer
    };

    // --- feeding ---
    std::size_t consume_command_octets(std::string_view input, std::string& out);
    std::size_t consume_message_octets(std::string_view input, std::string& out);
    std::size_t consume_chunk_octets(std::string_view input, std::string& out);
    void execute(std::string& out);
    std::size_t line_limit(const Command* command) const;
    bool offers(Extension extension) const { return offered().contains(extension); }
    bool command_offered(const Command& command) const;
    void reset_transaction();
    void accept_message(std::string& out);
    std::string closing_reply(std::string_view status, std::string_view reason);

    // --- replies ---
    bool sends_enhanced_codes() const;
    void reply(std::string& out, int code, std::string_view status, std::string_view text) const;
    void reply(std::string& out, int code, std::string_view status, std::span<const std::string> lines) const;
    void reply(std::string& out, const smtp::Reply& rejection) const;
    void reply_ok(std::string& out) const;

    // --- commands ---
    void on_helo(std::string_view argument, std::string& out);
    void on_ehlo(std::string_view argument, std::string& out);
    void on_mail(std::string_view argument, std::string& out);
    void on_rcpt(std::string_view argument, std::string& out);
    void on_data(std::string_view argument, std::string& out);
    void on_bdat(std::string_view argument, std::string& out);
    void on_rset(std::string_view argument, std::string& out);
    void on_noop(std::string_view argument, std::string& out);
    void on_quit(std::string_view argument, std::string& out);
    void on_vrfy(std::string_view argument, std::string& out);
    void on_etrn(std::string_view argument, std::string& out);
    void on_help(std::string_view argument, std::string& out);
    void on_auth(std::string_view argument, std::string& out);
    void on_starttls(std::string_view argument, std::string& out);
    void on_turn(std::string_view argument, std::string& out);
    void on_not_implemented(std::string_view argument, std::string& out);
    void on_not_offered(const Command& command, std::string& out);
    std::string help_text(const Command& command) const;

    // --- BDAT (smtp_chunking.cpp) ---
    void finish_chunk(std::string& out);
    std::optional<smtp::Reply> chunk_refusal() const;

    // --- AUTH (smtp_auth.cpp) ---
    void start_auth(std::string_view mechanism, std::optional<std::string_view> initial_response, std::string& out);
    void continue_auth(std::string_view response, std::string& out);
    void execute_auth_response(std::string& out);
    void finish_plain(std::string_view message, std::string& out);
    void finish_login(std::string_view username, std::string_view password, std::string& out);
    void finish_auth(bool credentials_valid, std::string& out);
    void challenge(std::string_view text, std::string& out);
    bool valid_credentials(std::string_view user, std::string_view password) const;

    EngineConfig config_;
    Input input_ = Input::commands;
    LineReader line_;
    MessageReader message_;
    Chunk chunk_;
    Transaction transaction_;
    std::optional<AuthExchange> auth_;
    bool greeted_ = false;          // a HELO or EHLO was accepted
    bool authenticated_ = false;    // AUTH succeeded (RFC 4954 §4)
    std::size_t messages_accepted_ = 0;
    std::size_t consumed_ = 0;
    bool closed_ = false;
    bool tls_requested_ = false;
    bool tls_active_ = false;
};

}  // namespace smtpspec
