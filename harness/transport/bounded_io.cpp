#include "transport/bounded_io.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace smtpspec {

IoResult io_failure(const boost::system::error_code& ec) {
    // The peer going away in any of its forms is a close; anything else is an I/O error. Over
    // TLS, a peer that closes without close_notify (most SMTP servers after QUIT) is a close too.
    const bool closed = ec == asio::error::eof || ec == asio::error::connection_reset ||
                        ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
                        ec == asio::ssl::error::stream_truncated;
    return IoResult{closed ? IoResult::Status::closed : IoResult::Status::error, 0, ec.message()};
}

}  // namespace smtpspec
