#include "transport/bounded_io.hpp"

#include <boost/asio/error.hpp>

namespace smtpspec {

IoResult io_failure(const boost::system::error_code& ec) {
    // The peer going away in any of its forms is a close; anything else is an I/O error.
    const bool closed = ec == asio::error::eof || ec == asio::error::connection_reset ||
                        ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
    return IoResult{closed ? IoResult::Status::closed : IoResult::Status::error, 0, ec.message()};
}

}  // namespace smtpspec
