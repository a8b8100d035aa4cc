#pragma once
// The protocol of the embedded reference server: an RFC 5321 server session with PIPELINING,
// SIZE, 8BITMIME, ENHANCEDSTATUSCODES and HELP. Client octets go in, reply octets come out.
// It is pure (no I/O, no clocks), so every rule is testable byte for byte and any transport
// (TCP, stdio) can drive it: the transport only reads, feeds, writes and keeps the time.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec {

struct EngineConfig {
    std::string hostname = "smtpspec.localhost";       // first word of greeting-type replies
    std::size_t max_message_size = 10 * 1024 * 1024;   // advertised with SIZE; larger content gets 552
    std::size_t max_recipients = 1000;                 // per transaction; more get 452 (§4.5.3.1.10)
    std::size_t max_line_buffer = 64 * 1024;           // octets kept of one line; the excess is dropped
    bool tls_available = false;                        // the transport can start TLS: STARTTLS is offered
};

// Assembles one line of input. Only CRLF ends a line (RFC 5321 §2.3.8): a bare CR or LF stays
// inside the line and is flagged, because treating it as a line end is what SMTP smuggling and
// command injection exploit. Keeps at most `max_kept` octets but counts them all, so an overlong
// line is answered once, when its CRLF finally arrives.
class LineReader {
public:
    explicit LineReader(std::size_t max_kept) : max_kept_(max_kept) {}

    // Consumes octets up to and including the CRLF that ends the line; returns how many it used.
    std::size_t consume(std::string_view input);
    bool complete() const { return complete_; }
    const std::string& text() const { return text_; }   // without the CRLF, at most max_kept octets
    std::size_t length() const { return length_; }      // every octet of the line, CRLF included
    bool has_bare_line_break() const { return bare_line_break_; }
    void clear();

private:
    void keep(char octet);

    std::size_t max_kept_;
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
    // Consumes octets up to and including the end-of-data line; returns how many it used.
    std::size_t consume(std::string_view input);
    bool complete() const { return position_ == Position::ended; }
    // Content octets: CRLFs count, stuffed dots and the end-of-data line do not (RFC 1870 §3).
    std::size_t size() const { return size_; }
    void clear();

private:
    enum class Position { line_start, after_leading_dot, after_dot_cr, in_line, after_cr, ended };
    void take(char octet);
    void take_in_line(char octet);

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
    bool closed() const { return closed_; }
    // The 421 to send before closing an idle connection (RFC 5321 §3.8, §4.5.3.2.7); closes.
    std::string on_idle_timeout();
    // The 421 to send before closing because the server shuts down (RFC 5321 §3.8); closes.
    std::string on_shutdown();
    // The EHLO keywords with their parameters, in the order the EHLO reply lists them.
    std::vector<std::string> ehlo_keywords() const;

    // STARTTLS (RFC 3207): after its 220, feed() consumes nothing more. The transport must then
    // drop any client octets it still holds (they were sent in plaintext before the handshake:
    // RFC 3207 §4.2, CVE-2011-0411), start TLS, and call tls_started(), which returns the
    // session to its state right after the greeting; STARTTLS is no longer offered.
    bool tls_requested() const { return tls_requested_; }
    void tls_started();
    bool tls_active() const { return tls_active_; }

private:
    struct Command;   // one row of the command table
    using Handler = void (SmtpEngine::*)(std::string_view argument, std::string& out);

    static std::span<const Command> commands();
    static const Command* find_command(std::string_view verb);

    enum class Input { commands, message };

    std::size_t consume_command_octets(std::string_view input, std::string& out);
    std::size_t consume_message_octets(std::string_view input, std::string& out);
    void execute(std::string& out);
    void start_transaction();
    void reset_transaction();
    std::string closing_reply(std::string_view status, std::string_view reason);

    void on_helo(std::string_view argument, std::string& out);
    void on_ehlo(std::string_view argument, std::string& out);
    void on_mail(std::string_view argument, std::string& out);
    void on_rcpt(std::string_view argument, std::string& out);
    void on_data(std::string_view argument, std::string& out);
    void on_rset(std::string_view argument, std::string& out);
    void on_noop(std::string_view argument, std::string& out);
    void on_quit(std::string_view argument, std::string& out);
    void on_vrfy(std::string_view argument, std::string& out);
    void on_help(std::string_view argument, std::string& out);
    void on_starttls(std::string_view argument, std::string& out);
    void on_not_implemented(std::string_view argument, std::string& out);

    EngineConfig config_;
    Input input_ = Input::commands;
    LineReader line_;
    MessageReader message_;
    bool greeted_ = false;          // a HELO or EHLO was accepted
    bool in_transaction_ = false;   // a MAIL was accepted and the transaction not yet ended
    std::size_t recipients_ = 0;    // accepted in the open transaction
    std::size_t messages_accepted_ = 0;
    bool closed_ = false;
    bool tls_requested_ = false;
    bool tls_active_ = false;
};

}  // namespace smtpspec
