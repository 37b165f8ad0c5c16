#pragma once
// The one TLS client context for outbound calls: system CA certificates, peer and host-name
// verification on, TLS 1.2 minimum. Created on first use.
#include <Poco/Net/Context.h>

namespace gaggle::net {

Poco::Net::Context::Ptr tls_client_context();

} // namespace gaggle::net
