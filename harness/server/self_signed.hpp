#pragma once
// A throwaway identity for the embedded server's TLS: an EC P-256 key and a self-signed X.509
// v3 certificate, made with OpenSSL's EVP and X509 APIs, kept in memory, never written to disk.
#include <string>

namespace smtpspec {

struct SelfSigned {
    std::string certificate_pem;
    std::string private_key_pem;
};

// CN=common_name, subjectAltName DNS:localhost, IP:127.0.0.1 (and DNS:common_name when it is
// a usable DNS name); valid from an hour ago for a year. Throws std::runtime_error naming
// OpenSSL's reason if OpenSSL fails.
SelfSigned make_self_signed(const std::string& common_name);

}  // namespace smtpspec
