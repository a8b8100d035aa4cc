#pragma once
// A loopback port nobody listens on right now (bound, then released): a target that refuses,
// or where a server started by the test will listen.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace smtpspec::testing {

inline unsigned short free_port() {
    boost::asio::io_context io;
    const boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::address_v4::loopback(), 0});
    return acceptor.local_endpoint().port();
}

}  // namespace smtpspec::testing
