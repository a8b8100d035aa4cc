#include "server/self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace smtpspec {
namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    char reason[256] = "unknown reason";
    if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    throw std::runtime_error(std::string("cannot make the self-signed certificate: ") + what + ": " + reason);
}

void check(int ok, const char* what) {
    if (ok != 1) fail(what);
}

// A name usable in a DNS subjectAltName: letters, digits, '-' and '.', not empty.
bool dns_name(const std::string& name) {
    return !name.empty() && name.size() < 254 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
}

void add_extension(X509* certificate, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    const ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    if (!extension) fail("X509V3_EXT_conf_nid");
    check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

std::string drain(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

SelfSigned make_self_signed(const std::string& common_name) {
    const PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) fail("EVP_EC_gen");

    const X509Ptr certificate(X509_new());
    if (!certificate) fail("X509_new");
    X509* x = certificate.get();
    check(X509_set_version(x, X509_VERSION_3), "X509_set_version");
    // A random positive 64-bit serial (RFC 5280 §4.1.2.2: unique per issuer, at most 20 octets).
    const BnPtr serial(BN_new());
    if (!serial) fail("BN_new");
    check(BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
    if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x))) fail("BN_to_ASN1_INTEGER");
    if (!X509_gmtime_adj(X509_getm_notBefore(x), -60L * 60)) fail("X509_gmtime_adj");
    if (!X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 60 * 60)) fail("X509_gmtime_adj");
    check(X509_set_pubkey(x, key.get()), "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(x);
    const std::string cn = common_name.empty() ? "localhost" : common_name.substr(0, 64);
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                     -1, -1, 0),
          "X509_NAME_add_entry_by_txt");
    check(X509_set_issuer_name(x, name), "X509_set_issuer_name");

    std::string alt_names = "DNS:localhost,IP:127.0.0.1";
    if (dns_name(cn) && cn != "localhost") alt_names += ",DNS:" + cn;
    add_extension(x, NID_subject_alt_name, alt_names);
    add_extension(x, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(x, NID_ext_key_usage, "serverAuth");
    add_extension(x, NID_subject_key_identifier, "hash");
    if (X509_sign(x, key.get(), EVP_sha256()) <= 0) fail("X509_sign");

    SelfSigned out;
    const BioPtr certificate_bio(BIO_new(BIO_s_mem()));
    if (!certificate_bio) fail("BIO_new");
    check(PEM_write_bio_X509(certificate_bio.get(), x), "PEM_write_bio_X509");
    out.certificate_pem = drain(certificate_bio.get());
    const BioPtr key_bio(BIO_new(BIO_s_mem()));
    if (!key_bio) fail("BIO_new");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
    out.private_key_pem = drain(key_bio.get());
    return out;
}

}  // namespace smtpspec
