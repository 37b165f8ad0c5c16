#include "net/tls_context.hpp"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <filesystem>
#include <mutex>

namespace gaggle::net {

Poco::Net::Context::Ptr tls_client_context()
{
    static std::once_flag once;
    static Poco::Net::Context::Ptr context;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED; // verify the server's chain
        params.loadDefaultCAs = true;                                  // OpenSSL's default paths (honours SSL_CERT_FILE/DIR)
        std::error_code ec;
        if (std::filesystem::is_directory("/etc/ssl/certs", ec)) params.caLocation = "/etc/ssl/certs";
        params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4";
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        // Without a handler Poco would look for an Application config to pick one; a certificate
        // that fails verification must fail the call, never prompt or be accepted.
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false), context);
    });
    return context;
}

} // namespace gaggle::net
